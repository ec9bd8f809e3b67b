/**
 * The shim: `node shim.js <state> <namespace> <id>`, spawned detached (own session) by the
 * task's starter. It creates and starts the container in-process through the runtime, so the
 * container's init is its own child (Node's exit event gives the status, no polling), holds the
 * container's stdio, records the exit status and time, and exits. The starter reads one JSON line
 * on fd 3 (ShimReady). No CLI framework is loaded here; see DESIGN.md "No daemon, one shim per
 * container".
 */
import * as fs from 'node:fs';
import { trace, traceProcessStart } from '../../util/trace';
import { constants } from 'node:os';
import { taskPaths, type TaskPaths } from '../../layout';
import { setChildSubreaper } from '../../sys/prctl';
import { bytesWaiting, closeFd, setCloexec, waitReadable } from '../../sys/file';
import { dup2, setWinsize } from '../../sys/pty';
import { writeEphemeral } from '../ephemeral';
import { rfc3339Nano } from '../../util/time';
import { PARKED_ARG, PRESPAWNED_ARG, SERVE_RUN_ARG, type ExitInfo, type ShimHandoff, type ShimOptions, type ShimReady } from '../types';
import type { Spec } from '../../oci/types';
import { fn } from '../../sys/libc';
import { listenControl } from './control';
import { shimTask } from './handoff';
import { reapOnSigchld } from './reap';
import { openContainerStdio, closeContainerStdio } from './stdio';

/** The socket to the starter: fd 3, where a spawner puts it; an early shim's is where it made it (early.ts). */
let readyFd = 3;

function log(p: TaskPaths, msg: string): void {
  try { fs.appendFileSync(p.log, `${new Date().toISOString()} ${msg}\n`); } catch { /* nowhere to report */ }
}

/** A served run's (serve-run.ts): the ready line goes to its own start path, in this process. */
let reportTo: ((r: ShimReady) => void) | undefined;
/** Whether the starter has had its one report. */
let reported = false;

function report(r: ShimReady): void {
  if (reported) return;
  reported = true;
  if (reportTo) { reportTo(r); return; }
  try {
    fs.writeSync(readyFd, `${JSON.stringify(r)}\n`);
    fs.closeSync(readyFd);
  } catch { /* the starter was killed: the task runs on */ }
}

/**
 * Before the long idle wait: collect the start-up garbage (the spec, the runtime's setup) and
 * hand the memory malloc freed back to the kernel (glibc keeps it otherwise: ~200 kB a shim).
 * V8's memory reducer shrinks the young generation by itself ~8 s later (~2 MB a shim).
 */
function settle(): void {
  writeTrainedCache();
  try {
    // gc() without --expose-gc on the command line (see SHIM_NODE_FLAGS): set now, taken from a
    // new context, and the flag reset, so that V8's flag hash (which node's own code cache is
    // checked against) is the start-up one again for modules loaded later.
    const v8 = require('node:v8') as typeof import('node:v8');
    v8.setFlagsFromString('--expose-gc');
    const gc = (require('node:vm') as typeof import('node:vm')).runInNewContext('gc') as (options?: Record<string, string>) => void;
    v8.setFlagsFromString('--no-expose-gc');
    // A last-resort major GC also shrinks the young generation (V8's reduce-memory mode): the
    // shim idles from now on. Node 26 keeps ~15 MB of new space otherwise (PSS 16 vs 11 MB).
    try { gc({ type: 'major', execution: 'sync', flavor: 'last-resort' }); } catch { gc(); }
  } catch { /* only memory */ }
  try { fn('int malloc_trim(size_t pad)')(0); } catch { /* only memory */ }
}

/**
 * The first shim after a build writes the bundle's code cache once it has created and started its
 * container (entry.ts sets the hook then): later shims skip compiling that path (~6 ms of a run).
 */
function writeTrainedCache(): void {
  const g = globalThis as Record<symbol, (() => void) | undefined>;
  const write = g[Symbol.for('berth.shim.writeCache')];
  g[Symbol.for('berth.shim.writeCache')] = undefined;
  write?.();
}

/**
 * A prespawned shim waits for its task while the starter creates the container: load meanwhile
 * what the create needs (koffi and libc, Node's child_process and net, the runtime's modules) and
 * start the init stage (runtime/prespawn.ts: it exits by itself if no task comes), so that work
 * is off the run's critical path. With `initSpec` (the task was waiting already) the init is
 * spawned for it, before anything else.
 */
function warmUp(initSpec: Spec | undefined): void {
  // The container's init stage first, whose Node start-up is the longest step of the create
  // ahead (posix_spawn: it needs neither child_process nor net).
  (require('../../runtime/prespawn') as typeof import('../../runtime/prespawn')).prespawnShimInit(initSpec);
  // The cgroup lock's grace period now (runtime/cgroup-join.ts): paid while we wait, it is over
  // before the create's mkdir and its window still open at the moves (~10-20 ms on the create's
  // path otherwise, which it became once the init stage was prespawned too).
  (require('../../runtime/cgroup-join') as typeof import('../../runtime/cgroup-join')).primeCgroupAttach();
  require('node:child_process');
  require('node:net');
  void (require('../../runtime/create') as typeof import('../../runtime/create')).createContainer;
  void (require('../../runtime/lifecycle') as typeof import('../../runtime/lifecycle')).startContainer;
}

/** The parked shim's init spec (its argument), or undefined: the speculative one then. */
function parkedInitSpec(arg: string | undefined): Spec | undefined {
  try {
    return JSON.parse(arg ?? '') as Spec;
  } catch {
    return undefined;
  }
}

/**
 * A parked shim's fd 3 is a listening socket: the first connection of root (crictl start's, or a
 * discard's, which closes at once) takes its place as fd 3, and nobody else connects after it.
 * Once its socket file is gone with no connection waiting (the container's state directory was
 * removed), it exits.
 */
function acceptStarter(socketPath: string): void {
  const { accept, peerUid } = require('../../sys/socket') as typeof import('../../sys/socket');
  const { reapPrespawned } = require('../../runtime/prespawn') as typeof import('../../runtime/prespawn');
  for (;;) {
    // The file goes as a starter connects (tasks/parked.ts): a connection waiting is looked for once more.
    while (!waitReadable(readyFd, 1000)) {
      // Its init may die meanwhile (with the pod's PID namespace, at stopp): not left a zombie.
      reapPrespawned();
      if (!fs.existsSync(socketPath) && !waitReadable(readyFd, 0)) process.exit(0);
    }
    const conn = accept(readyFd);
    // The directory is root's alone; the peer's uid is checked all the same: it names the task we run.
    if (peerUid(conn) === 0) {
      dup2(conn, readyFd);
      closeFd(conn);
      break;
    }
    closeFd(conn);
  }
  setCloexec(readyFd, true);
  // The prime of our warm-up is long over: the grace period again, while the starter prepares the task.
  (require('../../runtime/cgroup-join') as typeof import('../../runtime/cgroup-join')).primeCgroupAttach();
}

/** The task's spec (its bundle is the task directory), or undefined: the create reports why. */
function taskSpec(task: ShimHandoff): Spec | undefined {
  try {
    return JSON.parse(fs.readFileSync(taskPaths(task.state, task.namespace, task.id).config, 'utf8')) as Spec;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  traceProcessStart('shim');
  // Started by ctr's launcher before its CLI (early.ts): our socket to it is made here.
  const early = (require('./early') as typeof import('./early')).earlyStarter();
  if (early) readyFd = early.fd;
  // The ready pipe must not leak into the container.
  setCloexec(readyFd, true);
  // Orphans of the container (without a PID namespace) come to us, not to the host's init.
  setChildSubreaper();
  const parked = process.argv[2] === PARKED_ARG;
  // Spawned before its task (prespawned by a starter, or parked at crictl create): the task comes on fd 3.
  const ahead = parked || process.argv[2] === PRESPAWNED_ARG;
  let task: ShimHandoff | undefined;
  if (parked) {
    // The init for the container's spec now, then the wait for crictl start (tasks/parked.ts).
    warmUp(parkedInitSpec(process.argv[4]));
    acceptStarter(process.argv[3] ?? '');
  } else if (ahead) {
    // A task written before we came up (FIONREAD; crictl start, whose container exists) is read
    // first, and the init spawned for its spec; else we warm up while it comes.
    if (bytesWaiting(readyFd) > 0) task = shimTask(process.argv.slice(2), readyFd);
    warmUp(task && taskSpec(task));
  }
  trace('shim: warm');
  if (!task) {
    if (early) {
      const { reapPrespawned } = require('../../runtime/prespawn') as typeof import('../../runtime/prespawn');
      (require('./early') as typeof import('./early')).awaitStarter(readyFd, early.starter, reapPrespawned);
    }
    task = shimTask(process.argv.slice(2), readyFd);
    // The init spawned ahead, if it is in another PID namespace than the task's, is replaced now.
    const spec = task && ahead ? taskSpec(task) : undefined;
    if (spec) (require('../../runtime/prespawn') as typeof import('../../runtime/prespawn')).prespawnShimInit(spec);
  }
  trace('shim: task read');
  if (!task) process.exit(0); // spawned ahead, and not taken
  await runTask(task, ahead);
}

/**
 * A served `ctr run -d` (serve-run.ts) hands its task over here, in its own process: the ready
 * report resolves the promise; a failure is reported, not exited on (the run cleans up first).
 */
export function serveTask(task: ShimHandoff): Promise<ShimReady> {
  return new Promise((resolve) => {
    reportTo = resolve;
    const spec = taskSpec(task);
    if (spec) (require('../../runtime/prespawn') as typeof import('../../runtime/prespawn')).prespawnShimInit(spec);
    // runTask exits by itself once the container has; it returns only after a failure it
    // reported. What it throws before its report is the run's to say (our fd 2 may still be the
    // user's stderr); after it, the shim ends as any other would.
    runTask(task, true).catch((err: Error) => {
      if (!reported) { report({ ok: false, error: err.message }); return; }
      try { fs.writeSync(2, `shim: ${err.stack ?? err.message}\n`); } catch { /* nowhere */ }
      process.exit(1);
    });
  });
}

/** Ends the shim after a failed create or start: a served run's own path exits once it has cleaned up. */
function failed(): void {
  if (!reportTo) process.exit(1);
}

/** Creates, starts and holds the task until its container exits, then exits. */
async function runTask(task: ShimHandoff, ahead: boolean): Promise<void> {
  const { state, namespace: ns, id } = task;
  const p = taskPaths(state, ns, id);
  // Not the starter's directory (a mount point it may want to unmount): the task's, as containerd's shim.
  process.chdir(p.dir);
  if (ahead) {
    // Spawned before the task had a directory: our stderr is /dev/null until now.
    const errFd = fs.openSync(p.log, 'a');
    dup2(errFd, 2);
    fs.closeSync(errFd);
  }
  const opts = JSON.parse(fs.readFileSync(p.options, 'utf8')) as ShimOptions;

  const stdio = openContainerStdio(opts.io, p, opts.terminal);
  let consoleFd: number | undefined;
  let ourEnd: number | undefined;
  if (opts.terminal) [ourEnd, consoleFd] = (require('../../sys/socket') as typeof import('../../sys/socket')).socketpair();
  // The runtime gives the init our fds 0-2: install the container's there for the create.
  const logFd = fs.openSync(p.log, 'a');
  for (const i of [0, 1, 2] as const) dup2(stdio.fds[i], i);
  for (const fd of new Set(stdio.fds)) if (fd > 2) fs.closeSync(fd);
  const restoreOwnStdio = (): void => {
    // We must not hold the container's stdout: its readers see EOF when the container exits.
    const n = fs.openSync('/dev/null', fs.constants.O_RDWR);
    dup2(n, 0); dup2(n, 1); dup2(logFd, 2);
    fs.closeSync(n);
  };

  const { createContainer } = require('../../runtime/create') as typeof import('../../runtime/create');
  trace('shim: stdio ready');
  const { startContainer, deleteContainer } = require('../../runtime/lifecycle') as typeof import('../../runtime/lifecycle');
  let created: Awaited<ReturnType<typeof createContainer>>;
  try {
    created = await createContainer({ root: opts.runtimeRoot, id, bundle: p.dir, consoleFd, pidFile: opts.pidFile });
  } catch (err) {
    restoreOwnStdio();
    log(p, `create: ${(err as Error).message}`);
    report({ ok: false, error: (err as Error).message });
    failed();
    return;
  } finally {
    if (consoleFd !== undefined) closeFd(consoleFd);
  }
  restoreOwnStdio();
  const initPid = created.record.initPid;
  // CRI's OOMKilled: kills by the OOM killer in the container's cgroup while it ran (containerd
  // learns them from TaskOOM events; a shim that holds the cgroup counts them).
  const oomCgroup = opts.io.kind === 'cri' ? (require('../../runtime/container') as typeof import('../../runtime/container')).recordCgroup(created.record) : undefined;
  const oomKills = (): number => { try { return oomCgroup?.oomKills() ?? 0; } catch { return 0; } };
  const oomBefore = oomKills();
  const stopReaping = reapOnSigchld(new Set([initPid, ...(created.child.pid !== undefined ? [created.child.pid] : [])]));
  let exitStatus: number | undefined;
  const exited = new Promise<void>((resolve) => {
    created.child.once('exit', (code, signal) => {
      exitStatus = code ?? 128 + (signal ? constants.signals[signal] : 0);
      resolve();
    });
  });

  let relay: import('./relay').TerminalRelay | undefined;
  let master: number | undefined;
  if (ourEnd !== undefined) {
    master = (require('../../runtime/console') as typeof import('../../runtime/console')).takeConsole(ourEnd);
    if (opts.consoleSize) setWinsize(master, opts.consoleSize.rows, opts.consoleSize.cols);
  }
  const control = listenControl(p.control, (m) => {
    if (m.type === 'resize' && master !== undefined && m.rows > 0 && m.cols > 0) {
      try { setWinsize(master, m.rows, m.cols); } catch { /* the pty is gone */ }
    } else if (m.type === 'close-stdin' && stdio.stdinKeep !== undefined) {
      fs.closeSync(stdio.stdinKeep);
      stdio.stdinKeep = undefined;
    }
  });
  if (master !== undefined) {
    relay = opts.io.kind === 'cri'
      ? (require('../../cri/shim-cri-log') as typeof import('../../cri/shim-cri-log')).relayTerminalToCriLog(master, opts.io, p)
      : (require('./relay') as typeof import('./relay')).relayToFifos(master, p);
  }

  try {
    startContainer(opts.runtimeRoot, id);
  } catch (err) {
    log(p, `start: ${(err as Error).message}`);
    try { deleteContainer(opts.runtimeRoot, id, true); } catch { /* report the start error */ }
    report({ ok: false, error: (err as Error).message });
    control.destroy();
    stopReaping();
    failed();
    return;
  }
  report({ ok: true, pid: initPid });
  // A served run settles once it has let go of the CLI's code (serve-run.ts): one collection, not two.
  if (!reportTo) setTimeout(settle, 50).unref();

  await exited;
  const exit: ExitInfo = { pid: initPid, status: exitStatus ?? 255, exitedAt: rfc3339Nano(), ...(oomKills() > oomBefore ? { oomKilled: true as const } : {}) };
  if (relay) {
    // Something in the container may still hold the pty: take what is buffered, then stop.
    relay.stop.abort();
    await relay.done.catch(() => undefined);
  }
  try { writeEphemeral(p.exit, JSON.stringify(exit)); } catch (err) { log(p, `exit record: ${(err as Error).message}`); }
  closeContainerStdio(stdio);
  control.destroy();
  stopReaping();
  if (opts.io.kind === 'cri') {
    const cri = require('../../cri/shim-cri-log') as typeof import('../../cri/shim-cri-log');
    try {
      // With a tty the relay has written everything already (awaited above).
      const tail = relay ? { ended: Promise.resolve(), drain: (): void => undefined } : stdio as import('../../cri/shim-cri-log').CriLogStdio;
      await cri.finishCriTask(opts.io, tail, state, ns, id, exit);
    } catch (err) {
      log(p, `cri exit: ${(err as Error).message}`);
    }
  }
  writeTrainedCache(); // a container that exited before settle()
  process.exit(0);
}

if (process.argv[2] === SERVE_RUN_ARG) {
  (require('./serve-run') as typeof import('./serve-run')).serveRun(process.argv.slice(3), serveTask, () => warmUp(undefined), settle);
} else main().catch((err: Error) => {
  try { fs.writeSync(2, `shim: ${err.stack ?? err.message}\n`); } catch { /* nowhere */ }
  report({ ok: false, error: err.message });
  process.exit(1);
});
