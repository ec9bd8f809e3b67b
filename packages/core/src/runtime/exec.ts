/**
 * `exec`: a new process in a running container. An init stage in exec mode joins the
 * container's cgroup and namespaces (the PID namespace through the parent, which spawns it
 * there), applies the process's identity and execve's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { execGatePath, execSealScratch, initStageScript } from '../layout';
import * as fs from 'node:fs';
import { removeFile } from '../util/remove';
import { sealedExecutable } from '../sys/sealed-exe';
import { errnoText, InvalidArgumentError, StateError } from '../errors';
import type { LinuxNamespaceType, POSIXRlimit, Process, User } from '../oci/types';
import { closeFd, mkfifo } from '../sys/file';
import { NAMESPACE_PROC_NAMES } from '../sys/ns';
import { writeFileAtomic } from '../util/atomic';
import { containerStatus, readRecord, recordCgroup } from './container';
import { converse } from './converse';
import { requireRoot } from './create';
import { initEnv } from './init-env';
import { deferredRlimits, SECCOMP_SPAWN_HINT, spawnFailure, SYNC_FD_ENV, type InitConfig } from './sync';
import { applyRlimits } from './security/credentials';
import { SpawnedChild } from '../sys/spawn';
import { childrenOfSelf } from '../sys/children';
import { waitForeground } from './foreground';
import { outputEndedOrGrace } from '../util/output-grace';
import { makeDirs } from '../util/make-dirs';

export interface ExecOptions {
  root: string;
  id: string;
  /** The full process (from -p process.json, or built by `execProcessFrom`). */
  process: Process;
  detach?: boolean;
  consoleSocket?: string;
  pidFile?: string;
  preserveFds?: number;
  ignorePaused?: boolean;
  /**
   * The process's stdio on /dev/null instead of ours (ctr's detached exec: ctr returns at once and
   * must not leave its stdout held by the process; runc's `exec -d` hands its own on, as runc).
   */
  nullIo?: boolean;
  /**
   * In the foreground without a terminal: the process gets pipes, which we relay to and from our
   * stdio, not our descriptors themselves (ctr's and crictl's exec: a container process must not
   * hold the caller's terminal or files, and a background child of it must not keep the caller's
   * reader waiting). runc's exec hands its own on, as runc.
   */
  relayStdio?: boolean;
  /** The process's stdout and stderr appended to this file, stdin on /dev/null (ctr's exec --log-uri file://). */
  logFile?: string;
  /** Told the program's pid once it runs (and its pid file is written). */
  started?: (pid: number) => void;
}

/** runc exec's flags applied over the container's own process settings. */
export interface ExecOverrides {
  args: string[];
  env?: string[];
  cwd?: string;
  user?: { uid: number; gid?: number };
  additionalGids?: number[];
  tty?: boolean;
  caps?: string[];
  noNewPrivs?: boolean;
}

export function execProcessFrom(root: string, id: string, o: ExecOverrides): Process {
  const base = readRecord(root, id).config.process;
  const p: Process = {
    ...(base ?? { cwd: '/', user: { uid: 0, gid: 0 } }),
    args: o.args,
    terminal: o.tty ?? false,
    env: [...(base?.env ?? []), ...(o.env ?? [])],
    user: { ...(base?.user ?? { uid: 0, gid: 0 }) },
  };
  if (o.cwd) {
    if (!path.isAbsolute(o.cwd)) throw new InvalidArgumentError(`cwd ${JSON.stringify(o.cwd)} must be an absolute path`);
    p.cwd = o.cwd;
  }
  if (o.user) p.user = { uid: o.user.uid, gid: o.user.gid ?? 0, additionalGids: p.user.additionalGids };
  if (o.additionalGids) p.user.additionalGids = o.additionalGids;
  if (o.noNewPrivs) p.noNewPrivileges = true;
  if (o.caps?.length) {
    const c = { ...(p.capabilities ?? {}) };
    for (const set of ['bounding', 'effective', 'permitted', 'ambient'] as const) {
      c[set] = [...new Set([...(c[set] ?? []), ...o.caps])];
    }
    p.capabilities = c;
  }
  return p;
}

export async function execInContainer(o: ExecOptions): Promise<number> {
  requireRoot();
  const rec = readRecord(o.root, o.id);
  const status = containerStatus(o.root, rec);
  if (status === 'stopped') throw new StateError('cannot exec in a stopped container');
  if (status === 'paused' && !o.ignorePaused) throw new StateError('cannot exec in a paused container');
  if (o.process.terminal && o.detach && !o.consoleSocket) {
    throw new StateError('cannot allocate tty if runc will detach without setting console socket');
  }
  const cg = recordCgroup(rec);
  const userNs = (rec.config.linux?.namespaces ?? []).some((n) => n.type === 'user');
  const joins: { type: LinuxNamespaceType; path: string }[] = [];
  for (const ns of rec.config.linux?.namespaces ?? []) {
    if (ns.type === 'pid' || ns.type === 'user') continue;
    joins.push({ type: ns.type, path: `/proc/${rec.initPid}/ns/${NAMESPACE_PROC_NAMES[ns.type]}` });
  }

  let consoleFd: number | undefined;
  let ourEnd: number | undefined;
  const sock = require('../sys/socket') as typeof import('../sys/socket');
  if (o.process.terminal) {
    if (o.consoleSocket) consoleFd = sock.unixConnect(path.resolve(o.consoleSocket));
    else [ourEnd, consoleFd] = sock.socketpair();
  }
  const preserve = o.preserveFds ?? 0;
  const relay = o.relayStdio === true && !o.nullIo && o.logFile === undefined && !o.detach && !o.process.terminal;
  // As containerd's file log: made with its directory, appended to.
  let logFd: number | undefined;
  if (o.logFile !== undefined) {
    makeDirs(path.dirname(o.logFile));
    logFd = fs.openSync(o.logFile, 'a', 0o644);
  }
  const stdio: (number | 'inherit' | 'pipe' | 'ignore')[] = o.nullIo ? ['ignore', 'ignore', 'ignore']
    : logFd !== undefined ? ['ignore', logFd, logFd] : relay ? ['pipe', 'pipe', 'pipe'] : ['inherit', 'inherit', 'inherit'];
  for (let i = 0; i < preserve; i++) stdio.push(3 + i);
  const syncIndex = stdio.length;
  stdio.push('pipe');
  let consoleIndex: number | undefined;
  if (consoleFd !== undefined) { consoleIndex = stdio.length; stdio.push(consoleFd); }
  // The stage runs from a sealed node, executed through its fd: the program's spawn window shows
  // that as its executable (sys/sealed-exe.ts). The plain path when it cannot be made.
  const sealed = sealedExecutable(process.execPath, execSealScratch(o.root, rec.id, process.pid));
  let stageExe = process.execPath;
  if (sealed !== undefined) { stageExe = `/proc/self/fd/${stdio.length}`; stdio.push(sealed); }

  const config: InitConfig = {
    mode: 'exec', id: rec.id, bundle: rec.bundle, rootfs: rec.rootfs, spec: rec.config, process: o.process,
    cgroupProcs: cg ? cg.procsFiles() : [], cgroupMounts: [], execFifo: '', noPivot: false, noNewKeyring: true, preserveFds: preserve,
    consoleFd: consoleIndex, joinNamespaces: joins, cgroupViaParent: userNs,
    // The stage joins the PID namespace for its child, the program, only (init/exec-stage.ts).
    pidNamespace: rec.ownPidNamespace || rec.namespaces.pid ? `/proc/${rec.initPid}/ns/pid` : undefined,
  };
  // The program waits before its execve at a gate, where we learn its pid from the kernel and set
  // the limits the stage cannot take (sync.ts, init/exec-stage.ts).
  const deferred = deferredRlimits(o.process);
  config.execGate = execGatePath(o.root, rec.id, process.pid);
  removeFile(config.execGate);
  // Readable by all: the program opens it as its own user; only root may open the gate.
  mkfifo(config.execGate, 0o644);
  fs.chmodSync(config.execGate, 0o644); // past the umask
  // The stage exits once the program runs, which is then reparented to us (runc's exec is a
  // subreaper too); detached, to whoever is our subreaper (a shim), or init.
  if (!o.detach) (require('../sys/prctl') as typeof import('../sys/prctl')).setChildSubreaper();
  const env = initEnv({ [SYNC_FD_ENV]: String(syncIndex) });
  // A user namespace can only be entered by a single-threaded process: nsenter(1) enters it as
  // uid 0 there, the init stage joins the rest itself.
  const child = userNs
    ? spawn('nsenter', [`--user=/proc/${rec.initPid}/ns/user`, '--', stageExe, initStageScript()],
      { stdio, env, detached: o.detach === true })
    : spawn(stageExe, [initStageScript()], { stdio, env, detached: o.detach === true, argv0: process.execPath });
  if (consoleFd !== undefined) closeFd(consoleFd);
  if (sealed !== undefined) closeFd(sealed);
  if (logFd !== undefined) closeFd(logFd);
  const relayed = relay ? relayPipes(child) : undefined;
  let execPid: number | undefined;
  let joined = false;
  try {
    const last = await converse(child, syncIndex, config, (msg) => {
      if (msg.type !== 'join-cgroup') return undefined;
      // Only the stage itself asks, once, and only in a user namespace: a request for another
      // process would move it into the container's cgroup.
      if (!userNs || joined || msg.pid !== child.pid) throw new StateError(`exec: unexpected request to move pid ${msg.pid} into the container's cgroup`);
      joined = true;
      cg?.apply(msg.pid);
      return { type: 'cgroup-joined' };
    });
    if (last.type === 'spawning') {
      execPid = await openExecGate(child, config.execGate, deferred, o.process.user);
      await reaped(child);
      if (child.exitCode !== 0) throw spawnError(child, o.process, rec.config.linux?.seccomp !== undefined);
      if (execPid === undefined) throw new StateError('exec: the program did not come to its gate');
    } else {
      // No /proc in the container, so no gate: the stage reports the pid, which must name a
      // process of the container (the message crossed the program's vfork window).
      if (!last.pid || !inContainer(last.pid, rec.initPid, config.pidNamespace !== undefined)) {
        throw new StateError(`exec: the init stage reported pid ${last.pid ?? 'none'}, not a process of the container`);
      }
      execPid = last.pid;
    }
  } catch (err) {
    // The init stage ends by itself after its error: reap it before we exit. A program that was
    // spawned before it failed goes too (adopted by us in the foreground).
    await reaped(child);
    if (execPid !== undefined) try { process.kill(execPid, 'SIGKILL'); } catch { /* gone */ }
    if (!o.detach) killAdopted();
    await relayed?.finish();
    throw err;
  } finally {
    removeFile(config.execGate);
  }
  try {
    if (o.pidFile) writeFileAtomic(path.resolve(o.pidFile), String(execPid), { durable: false });
    o.started?.(execPid);
  } catch (err) {
    // runc: a pid file that cannot be written fails the exec, and its process goes with it.
    try { process.kill(execPid, 'SIGKILL'); } catch { /* gone */ }
    await reaped(child);
    if (!o.detach) await waitFor(new SpawnedChild(execPid));
    await relayed?.finish();
    throw err;
  }
  const master = ourEnd === undefined ? undefined : (require('./console') as typeof import('./console')).takeConsole(ourEnd);
  if (o.detach) {
    child.unref();
    return 0;
  }
  // Once the stage is gone, the program is our child.
  await reaped(child);
  const program = new SpawnedChild(execPid);
  program.ref();
  const code = await waitForeground(program, execPid, master);
  await relayed?.finish();
  return code;
}

/**
 * Our stdin into the process's, its stdout and stderr out to ours, kept apart. `finish` (the
 * process has exited) waits for its output to end (util/output-grace.ts) and lets go of our stdin.
 */
function relayPipes(child: ChildProcess): { finish(): Promise<void> } {
  const [input, out, err] = [child.stdin, child.stdout, child.stderr];
  input?.on('error', () => undefined); // EPIPE: the process does not read its stdin
  // Our reader gone (`… exec yes | head`): we end with 141 as Go's ctr dies of SIGPIPE, and the
  // process then meets the broken pipe itself; relaying on would stall it on a full pipe.
  (require('../cli/output-errors') as typeof import('../cli/output-errors')).exitOnBrokenPipe();
  if (input) process.stdin.pipe(input);
  out?.pipe(process.stdout, { end: false });
  err?.pipe(process.stderr, { end: false });
  const closed = (s: NodeJS.ReadableStream | null): Promise<void> => new Promise((resolve) => { if (!s) resolve(); else s.once('close', () => resolve()); });
  const ended = Promise.all([closed(out), closed(err)]);
  return {
    async finish(): Promise<void> {
      await outputEndedOrGrace(ended);
      if (input) process.stdin.unpipe(input);
      process.stdin.pause();
      input?.destroy();
      out?.destroy();
      err?.destroy();
    },
  };
}

/**
 * The program, the stage's child, waits before its execve in an open of the gate FIFO: found
 * among the stage's children, its deferred rlimits are set, then the gate is opened for writing,
 * which lets it go on. Its pid; undefined when the stage ends first (its spawn failed).
 */
async function openExecGate(stage: ChildProcess, gate: string, limits: POSIXRlimit[], user: User): Promise<number | undefined> {
  const stagePid = stage.pid as number;
  const tick = (): Promise<void> => new Promise((resolve) => { setTimeout(resolve, 1); });
  let program: number | undefined;
  for (let i = 0; program === undefined; i++) {
    if (stage.exitCode !== null || stage.signalCode !== null || i >= 10_000) return undefined;
    try {
      const kids = fs.readFileSync(`/proc/${stagePid}/task/${stagePid}/children`, 'utf8').trim();
      if (kids) program = Number(kids.split(' ')[0]);
    } catch { return undefined; } // the stage is gone
    if (program === undefined) await tick();
  }
  try {
    applyRlimitsAs(limits, program, user);
  } catch (err) {
    // It must not run without them: it goes, and the exec fails.
    try { process.kill(program, 'SIGKILL'); } catch { /* gone */ }
    throw err;
  }
  for (let i = 0; ; i++) {
    try {
      // Non-blocking: ENXIO until the program is in its open (the reader), then the gate opens.
      fs.closeSync(fs.openSync(gate, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      return program;
    } catch {
      if (stage.exitCode !== null || stage.signalCode !== null || i >= 10_000) return program;
      await tick();
    }
  }
}

/**
 * prlimit on the program as root; where root lacks CAP_SYS_RESOURCE (some hosts drop it), a
 * process of another uid is only ours to limit with our real ids equal to its ids: this thread
 * takes them for the call (raw syscalls: the thread's credentials only, privileges kept).
 */
function applyRlimitsAs(limits: POSIXRlimit[], pid: number, user: User): void {
  if (!limits.length) return;
  try {
    applyRlimits(limits, undefined, pid);
  } catch (err) {
    if ((err as { errno?: string }).errno !== 'EPERM' || user.uid === 0) throw err;
    const { withRealIds } = require('../sys/creds-thread') as typeof import('../sys/creds-thread');
    withRealIds(user.uid, user.gid, () => applyRlimits(limits, undefined, pid));
  }
}

/** The stage's spawn failed: its exit status carries the errno (sync.ts spawnFailureStatus). */
function spawnError(stage: ChildProcess, proc: Process, seccomp: boolean): Error {
  if (stage.signalCode !== null || stage.exitCode === 255) {
    return new StateError(`exec: the init stage ended before the program ran (${stage.signalCode ? `signal ${stage.signalCode}` : 'exit status 255'})`);
  }
  const errno = spawnFailure(stage.exitCode ?? 1);
  if (errno === undefined) return new StateError(`exec: "${proc.args?.[0] ?? ''}": the init stage could not spawn it (exit status ${stage.exitCode})`);
  const hint = seccomp && errno === 'EPERM' ? ` (${SECCOMP_SPAWN_HINT})` : '';
  return new StateError(`exec: "${proc.args?.[0] ?? ''}": ${errnoText(errno)}${hint}`);
}

/** Whether `pid` shares the container init's PID namespace (its mount namespace without one). */
function inContainer(pid: number, initPid: number, ownPidNs: boolean): boolean {
  const ns = (p: number, n: string): string | undefined => { try { return fs.readlinkSync(`/proc/${p}/ns/${n}`); } catch { return undefined; } };
  const kind = ownPidNs ? 'pid' : 'mnt';
  const want = ns(initPid, kind);
  return want !== undefined && ns(pid, kind) === want;
}

/** SIGKILLs and reaps the children we adopted as a subreaper. */
function killAdopted(): void {
  for (const pid of childrenOfSelf()) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    new SpawnedChild(pid).waitExit(2000);
  }
}

function waitFor(child: SpawnedChild): Promise<void> {
  child.ref();
  return new Promise((resolve) => { if (child.exitCode !== null || child.signalCode !== null) resolve(); else child.once('exit', () => resolve()); });
}

/** Resolves once `child` has exited and been reaped (SIGKILLed if it lingers past 2 s). */
function reaped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } }, 2000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
  });
}
