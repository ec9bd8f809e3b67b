/**
 * `create`: prepare cgroup and PID namespace, spawn the init stage, wait until it blocks on the
 * exec FIFO, then record the container. Any failure undoes everything (process, cgroup, state).
 */
import { spawn, type StdioOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { containerPaths, initStageScript } from '../layout';
import { BerthError, UnsupportedError } from '../errors';
import { loadSpec, validateId } from '../oci/validate';
import type { LinuxNamespaceType, Spec } from '../oci/types';
import { cgroupManager, type CgroupManager } from '../cgroups';
import { mkfifo, closeFd } from '../sys/file';
import { NAMESPACE_PROC_NAMES } from '../sys/ns';
import { procStat } from '../sys/proc';
import type { ChildLike } from '../sys/spawn';
import { writeFileAtomic } from '../util/atomic';
import { rfc3339Nano } from '../util/time';
import { trace, traceEnv } from '../util/trace';
import { writeRecord, writeSpec, type ContainerRecord } from './container';
import { cgroupMounts, primeCgroupAttach, splitCgroupJoin, writeProcsAsync } from './cgroup-join';
import { converse, InitError } from './converse';
import { effectiveResources } from './devices-cgroup';
import { hookState, runHooks } from './hooks';
import { initEnv } from './init-env';
import { spawnInPidNamespace } from './pidns';
import { takePrespawned } from './prespawn';
import { claimStateDir, markCreatingCgroup } from './state-dir';
import { STDERR_FD_ENV, SYNC_FD_ENV, type InitConfig } from './sync';
import { holdUserNamespace, pidNamespaceArgs } from './userns';
import { removeFile } from '../util/remove';
import { makeDirs } from '../util/make-dirs';


export interface CreateOptions {
  root: string;
  id: string;
  bundle: string;
  pidFile?: string;
  /** Path of a unix socket that receives the pty master (runc's --console-socket). */
  consoleSocket?: string;
  /** An already-connected console socket fd (used by `run -t` in the foreground). */
  consoleFd?: number;
  noPivot?: boolean;
  noNewKeyring?: boolean;
  preserveFds?: number;
  /** The bundle's spec when the caller has already loaded and validated it (run). */
  spec?: Spec;
}

export interface Created {
  record: ContainerRecord;
  /** The init stage, a child of this process (run waits on it). */
  child: ChildLike;
}

export async function createContainer(opts: CreateOptions): Promise<Created> {
  trace('create: begin');
  requireRoot();
  validateId(opts.id);
  const bundle = path.resolve(opts.bundle);
  const spec = opts.spec ?? loadSpec(bundle);
  const rootfs = path.resolve(bundle, spec.root?.path ?? 'rootfs');
  const namespaces = spec.linux?.namespaces ?? [];
  const userNs = namespaces.find((n) => n.type === 'user');
  if (userNs?.path) throw new UnsupportedError('joining an existing user namespace by path is not supported by berth: drop "path" from the user namespace to create a new one');
  if (spec.process?.terminal && !opts.consoleSocket && opts.consoleFd === undefined) {
    throw new BerthError('EINVAL', 'cannot allocate tty if runc will detach without setting console socket');
  }
  if (opts.consoleSocket && !spec.process?.terminal) {
    // As runc: the socket would get a pty the container does not ask for (process.terminal).
    throw new BerthError('EINVAL', 'cannot use console socket if runc will not detach or allocate tty');
  }

  makeDirs(opts.root, 0o711);
  const paths = containerPaths(opts.root, opts.id);
  claimStateDir(paths);

  const undo: (() => void)[] = [() => fs.rmSync(paths.dir, { recursive: true, force: true })];
  let joining: Promise<unknown> | undefined;
  let made: CgroupManager | undefined;
  let oomBefore = 0;
  try {
    let consoleFd = opts.consoleFd;
    if (opts.consoleSocket) {
      const { unixConnect } = require('../sys/socket') as typeof import('../sys/socket');
      consoleFd = unixConnect(path.resolve(opts.consoleSocket));
      const fd = consoleFd;
      undo.push(() => closeQuietly(fd));
    }

    const preserve = opts.preserveFds ?? 0;
    const stdio: StdioOptions = ['inherit', 'inherit', 'inherit'];
    for (let i = 0; i < preserve; i++) stdio.push(3 + i);
    const syncIndex = stdio.length;
    stdio.push('pipe');
    let consoleIndex: number | undefined;
    if (consoleFd !== undefined) { consoleIndex = stdio.length; stdio.push(consoleFd); }

    // The init stage is spawned first: its Node start-up (the longest step) overlaps with the FIFO
    // made here; it waits for its config on the sync socket, then builds its namespaces and mounts
    // while the cgroup is made (makeCgroup below).
    const env = initEnv({ [SYNC_FD_ENV]: String(syncIndex), ...traceEnv() });
    let proc: ChildLike;
    let releaseHolder = (): void => undefined;
    const plain = consoleFd === undefined && preserve === 0 && !userNs;
    const pre = takePrespawned(bundle, spec, plain);
    if (pre) {
      proc = pre;
      trace('create: prespawned init taken');
    }
    else if (userNs) {
      // A user namespace is entered through nsenter(1) (see holdUserNamespace).
      const holder = await holdUserNamespace(spec);
      releaseHolder = holder.release;
      undo.push(() => holder.release());
      // util-linux 2.38's unshare prints "sigprocmask unblock failed" when its child is SIGKILLed:
      // its stderr goes nowhere, and the init gets the real one back on a spare fd.
      const quiet: StdioOptions = [...stdio];
      quiet[2] = 'ignore';
      quiet.push(2);
      env[STDERR_FD_ENV] = String(quiet.length - 1);
      proc = spawn('nsenter', [`--user=${holder.nsPath}`, '--', ...pidNamespaceArgs(spec), process.execPath, initStageScript()], { stdio: quiet, env });
    } else proc = spawnInPidNamespace(spec, () => spawn(process.execPath, [initStageScript()], { stdio, env }));
    trace('create: init spawned');
    undo.push(() => killQuietly(proc));
    let pid = proc.pid as number;

    // The container's cgroup: its paths now, its directories and limits while the init builds its
    // namespaces and mounts (afterConfig below): the init needs the cgroup only from its cgroup
    // namespace on (runtime/sync.ts 'cgroup-ready'). The no-op move made first pays the cgroup
    // lock's grace period (cgroup-join.ts): a mkdir made while that grace period runs waits for it
    // behind the cgroup mutex (~10 ms). runc's prespawn has paid it already; the shim pays it here.
    const cg = cgroupManager(spec.linux?.cgroupsPath, opts.id);
    made = cg;
    trace('create: manager');
    // The limits go on before the init joins: the devices rules are rewritten from a deny-all,
    // which the init must not see. The first cgroup.procs write of a while waits for an RCU grace
    // period (~8-15 ms here, see primeCgroupAttach), so the moves run on the threadpool. Under a
    // memory limit the memory cgroup is left to the init, joined after its start-up and mounts so
    // that Node's own pages are not charged to the container.
    const resources = effectiveResources(spec);
    const memory = spec.linux?.resources?.memory;
    const memoryLimited = memory !== undefined && Object.keys(memory).length > 0;
    const [early, late] = splitCgroupJoin(cg.procsFiles(), userNs !== undefined, memoryLimited);
    mkfifo(paths.execFifo, 0o622);
    fs.chmodSync(paths.execFifo, 0o622); // past the umask: a container's non-root user must open it for writing
    const makeCgroup = async (): Promise<void> => {
      const existed = cg.exists();
      cg.create();
      markCreatingCgroup(paths, spec.linux?.cgroupsPath, !existed);
      // The OOM kills before ours (a cgroupsPath may name a cgroup that exists): oomCause counts ours.
      oomBefore = cg.oomKills();
      // The init first: its processes must be gone before the cgroup can go.
      undo.push(() => { killQuietly(proc); destroyQuietly(cg); });
      trace('create: cgroup made');
      primeCgroupAttach();
      if (resources) cg.set(resources);
      trace('create: limits set');
      const joined = writeProcsAsync(early, pid);
      joining = joined;
      // The spec's copy beside the record now, while the moves wait: off the path after the ready.
      writeSpec(opts.root, opts.id, spec);
      const joinError = await joined;
      // An init that died meanwhile (a mount it could not make) cannot be moved once reaped: its own
      // error, or its exit, is what converse reads and reports, not the move's ESRCH.
      const st = procStat(pid);
      if (joinError && st !== undefined && st.state !== 'Z') throw joinError;
      trace('create: cgroup ready');
    };

    const config: InitConfig = {
      mode: 'create',
      id: opts.id,
      bundle,
      rootfs,
      spec,
      cgroupProcs: late,
      cgroupMounts: cgroupMounts(cg),
      execFifo: paths.execFifo,
      noPivot: opts.noPivot ?? false,
      noNewKeyring: opts.noNewKeyring ?? false,
      preserveFds: preserve,
      consoleFd: consoleIndex,
      joinNamespaces: namespaces.filter((n) => n.path && n.type !== 'pid').map((n) => ({ type: n.type, path: n.path as string })),
      cgroupViaParent: userNs !== undefined,
      bindDevices: userNs !== undefined,
    };

    const record: ContainerRecord = {
      version: 1,
      id: opts.id,
      bundle,
      rootfs,
      created: rfc3339Nano(),
      ownerUid: process.getuid?.() ?? 0,
      initPid: pid,
      initStartTime: 0,
      creatorPid: process.pid,
      config: spec,
      cgroup: { version: cg.version, path: cg.path, paths: cg.paths() },
      namespaces: namespacePaths(spec, pid),
      ownPidNamespace: namespaces.some((n) => n.type === 'pid' && !n.path),
    };

    await converse(proc, syncIndex, config, (msg) => {
      if (msg.type === 'join-cgroup') {
        // The init's pid on the host (with unshare(1) in between, not our child's pid).
        pid = msg.pid;
        record.initPid = pid;
        record.namespaces = namespacePaths(spec, pid);
        cg.apply(pid);
        return { type: 'cgroup-joined' };
      }
      if (msg.type === 'hooks') {
        const state = hookState(record, spec, 'creating', pid);
        runHooks('prestart', spec.hooks?.prestart, state);
        runHooks('createRuntime', spec.hooks?.createRuntime, state);
        return { type: 'hooks-done', pid };
      }
      return undefined;
    }, makeCgroup);

    trace('create: init ready');
    releaseHolder(); // the namespace lives on with the container's processes
    const st = procStat(pid);
    if (!st) throw new InitError('container init exited during create');
    record.initStartTime = st.startTime;
    if (consoleFd !== undefined && opts.consoleSocket) closeQuietly(consoleFd);
    writeRecord(opts.root, record, true);
    removeFile(paths.creating);
    if (opts.pidFile) writeFileAtomic(path.resolve(opts.pidFile), String(pid), { durable: false });
    return { record, child: proc };
  } catch (err) {
    // Moves still under way would race the cgroup's removal.
    if (joining) await joining;
    const why = err instanceof InitError ? oomCause(made, spec, oomBefore, err) : undefined;
    for (const u of undo.reverse()) u();
    throw why ?? err;
  }
}

/**
 * An init killed while it started under a memory limit: the OOM killer's doing when the cgroup
 * counts a kill (the limit is set before the init joins, so the kernel cannot refuse it as it does
 * runc's, which joins first). One line that names the limit, not just "killed by SIGKILL".
 */
function oomCause(cg: CgroupManager | undefined, spec: Spec, before: number, err: InitError): InitError | undefined {
  const limit = spec.linux?.resources?.memory?.limit;
  // Only an init that was killed (SIGKILL is what the OOM killer sends), by a kill counted since.
  if (!cg || limit === undefined || !/SIGKILL/.test(err.message)) return undefined;
  try {
    if (cg.oomKills() <= before) return undefined;
    const peak = cg.stats().memory.usage.max;
    return new InitError(`container init was killed by the OOM killer: memory limit ${limit} is too low to start it${peak > 0 ? ` (peak usage ${peak})` : ''}`);
  } catch {
    return undefined;
  }
}

/** berth runs containers as root only: a rootless runtime (cgroup delegation, newuidmap) is not built. */
export function requireRoot(): void {
  if (process.geteuid?.() !== 0) throw new UnsupportedError('berth runs containers as root only (rootless mode is not supported): run it with sudo');
}

function namespacePaths(spec: Spec, pid: number): Partial<Record<LinuxNamespaceType, string>> {
  const out: Partial<Record<LinuxNamespaceType, string>> = {};
  for (const ns of spec.linux?.namespaces ?? []) out[ns.type] = ns.path ?? `/proc/${pid}/ns/${NAMESPACE_PROC_NAMES[ns.type]}`;
  return out;
}

function destroyQuietly(cg: CgroupManager): void {
  try { cg.killAll(9); } catch { /* gone */ }
  try { cg.destroy(); } catch { /* best effort during rollback */ }
}

function killQuietly(child: ChildLike): void {
  try { child.kill('SIGKILL'); } catch { /* gone */ }
}

function closeQuietly(fd: number): void {
  try { closeFd(fd); } catch { /* closed */ }
}
