/**
 * `exec`: a new process in a running container. An init stage in exec mode joins the
 * container's cgroup and namespaces (the PID namespace through the parent, which spawns it
 * there), applies the process's identity and execve's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { initStageScript } from '../layout';
import { InvalidArgumentError, StateError } from '../errors';
import type { LinuxNamespaceType, Process } from '../oci/types';
import { closeFd } from '../sys/file';
import { NAMESPACE_PROC_NAMES } from '../sys/ns';
import { writeFileAtomic } from '../util/atomic';
import { containerStatus, readRecord, recordCgroup } from './container';
import { converse } from './converse';
import { requireRoot } from './create';
import { initEnv } from './init-env';
import { DEFERRED_RLIMITS, SYNC_FD_ENV, type InitConfig } from './sync';
import { applyRlimits } from './security/credentials';
import { SpawnedChild } from '../sys/spawn';
import { childrenOfSelf } from '../sys/children';
import { waitForeground } from './foreground';

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
  const stdio: (number | 'inherit' | 'pipe' | 'ignore')[] = o.nullIo ? ['ignore', 'ignore', 'ignore'] : ['inherit', 'inherit', 'inherit'];
  for (let i = 0; i < preserve; i++) stdio.push(3 + i);
  const syncIndex = stdio.length;
  stdio.push('pipe');
  let consoleIndex: number | undefined;
  if (consoleFd !== undefined) { consoleIndex = stdio.length; stdio.push(consoleFd); }

  const config: InitConfig = {
    mode: 'exec', id: rec.id, bundle: rec.bundle, rootfs: rec.rootfs, spec: rec.config, process: o.process,
    cgroupProcs: cg ? cg.procsFiles() : [], cgroupMounts: [], execFifo: '', noPivot: false, noNewKeyring: true, preserveFds: preserve,
    consoleFd: consoleIndex, joinNamespaces: joins, cgroupViaParent: userNs,
    // The stage joins the PID namespace for its child, the program, only (init/exec-stage.ts).
    pidNamespace: rec.ownPidNamespace || rec.namespaces.pid ? `/proc/${rec.initPid}/ns/pid` : undefined,
  };
  // The stage exits once the program runs, which is then reparented to us (runc's exec is a
  // subreaper too); detached, to whoever is our subreaper (a shim), or init.
  if (!o.detach) (require('../sys/prctl') as typeof import('../sys/prctl')).setChildSubreaper();
  const env = initEnv({ [SYNC_FD_ENV]: String(syncIndex) });
  // A user namespace can only be entered by a single-threaded process: nsenter(1) enters it as
  // uid 0 there, the init stage joins the rest itself.
  const child = userNs
    ? spawn('nsenter', [`--user=/proc/${rec.initPid}/ns/user`, '--', process.execPath, initStageScript()],
      { stdio, env, detached: o.detach === true })
    : spawn(process.execPath, [initStageScript()], { stdio, env, detached: o.detach === true });
  if (consoleFd !== undefined) closeFd(consoleFd);
  let execPid: number;
  try {
    const ready = await converse(child, syncIndex, config, (msg) => {
      if (msg.type !== 'join-cgroup') return undefined;
      cg?.apply(msg.pid);
      return { type: 'cgroup-joined' };
    });
    if (!ready.pid) throw new StateError('exec: the init stage did not report its program');
    execPid = ready.pid;
  } catch (err) {
    // The init stage ends by itself after its error: reap it before we exit. A program it spawned
    // before it failed (its last message lost) is ours by then: it goes too.
    await reaped(child);
    if (!o.detach) killAdopted();
    throw err;
  }
  try {
    // The limits the stage could not take itself (sync.ts): set at once, by pid.
    const deferred = (o.process.rlimits ?? []).filter((r) => DEFERRED_RLIMITS.has(r.type));
    if (deferred.length) applyRlimits(deferred, undefined, execPid);
    if (o.pidFile) writeFileAtomic(path.resolve(o.pidFile), String(execPid), { durable: false });
  } catch (err) {
    // runc: a pid file that cannot be written fails the exec, and its process goes with it.
    try { process.kill(execPid, 'SIGKILL'); } catch { /* gone */ }
    await reaped(child);
    if (!o.detach) await waitFor(new SpawnedChild(execPid));
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
  return waitForeground(program, execPid, master);
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
