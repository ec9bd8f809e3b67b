/**
 * Running CRI containers: StartContainer (the task under berth's shim, which writes the CRI log),
 * StopContainer (the stop signal, then SIGKILL after the grace period), ExecSync/Exec and the
 * pod's stop. The shim also plays containerd's event monitor: when the container exits it records
 * the exit in the container's status and deletes the task (containerd deletes a CRI container's
 * task on exit), so the rootfs is unmounted and `runc list` forgets it.
 */
import { trace } from '../util/trace';
import { randomHex } from '../util/random';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BerthError, InvalidArgumentError, StateError } from '../errors';
import { runtimeRootForNamespace } from '../layout';
import { openMetadata } from '../metadata';
import type { LinuxResources, Spec } from '../oci/types';
import { sleepMs } from '../util/sleep';
import { resolveCriContainer, saveStatus, toContainerExtensions } from './container-record';
import type { LogSink } from './container-logs';
import { criContainerView, listPodContainerViews, viewContainer } from './containers';
import { CRI_NAMESPACE } from './sandbox-record';
import { resolveSandbox, type StoreDirs } from './sandbox';
import { lockCriContainer } from './container-lock';

function nowNs(): string {
  return (BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)).toString();
}

/**
 * CRI StartContainer: only a CREATED container in a READY pod starts. Its shim, started before
 * anything is read (tasks/prespawn.ts), writes the CRI log (relaying the pty of a tty container)
 * and records the exit itself (cri/shim-cri-log.ts).
 */
export async function startCriContainer(dirs: StoreDirs, idOrPrefix: string): Promise<string> {
  // The shim parked for the task at create (tasks/parked.ts: warm, its init started), connected
  // at once when the id is given in full (kubelet's way): it primes the cgroup lock meanwhile.
  const { takeParkedShim } = require('../tasks/parked') as typeof import('../tasks/parked');
  const early = /^[0-9a-f]{64}$/.test(idOrPrefix) ? takeParkedShim(dirs.state, idOrPrefix) : undefined;
  let start: Parameters<typeof import('../tasks/start').startTask>[0];
  let release: (() => void) | undefined;
  const store = openMetadata(dirs.root);
  trace('start: store open');
  try {
    const id = resolveCriContainer(store, idOrPrefix).id;
    // Alone with the container (a remove under way finishes first), then its state as it is now.
    release = lockCriContainer(dirs.state, id);
    const v = viewContainer(dirs, resolveCriContainer(store, id));
    const sb = resolveSandbox(store, v.sandboxId);
    if (sb.state !== 'SANDBOX_READY') throw new StateError(`sandbox container "${sb.id}" is not running`);
    if (v.state !== 'CONTAINER_CREATED' || v.startedAt !== '0') throw new StateError(`container "${v.id}" is in ${v.state} state: only a created container can be started`);
    trace('start: container resolved');
    const { openSnapshotter } = require('../snapshots') as typeof import('../snapshots');
    start = {
      state: path.resolve(dirs.state), namespace: CRI_NAMESPACE, id: v.id, spec: v.record.spec as Spec,
      rootfsMounts: openSnapshotter(dirs.root, v.record.snapshotter, CRI_NAMESPACE).mounts(v.record.snapshotKey),
      io: { kind: 'cri', path: v.logPath === '' ? '' : path.resolve(v.logPath), stdin: v.config.stdin === true, root: path.resolve(dirs.root) },
      terminal: v.config.tty === true, attach: false,
    };
  } catch (err) {
    release?.();
    void early?.then((p) => p?.chan.destroy()); // it exits at the EOF
    throw err;
  } finally {
    store.close();
  }
  trace('start: task ready to hand over');
  try {
    const parked = await (early ?? takeParkedShim(dirs.state, start.id));
    if (!parked) (require('../tasks/prespawn') as typeof import('../tasks/prespawn')).prespawnShim();
    const { startTask } = require('../tasks/start') as typeof import('../tasks/start');
    await startTask({ ...start, parked });
    const id = start.id;
    const m = openMetadata(dirs.root);
    try {
      m.tx(() => saveStatus(m, id, { ...resolveCriContainer(m, id).status, startedAt: nowNs() }));
    } finally {
      m.close();
    }
    return id;
  } finally {
    release();
  }
}

/** Waits (synchronously, polling) until the container is no longer running. */
function waitStopped(dirs: StoreDirs, id: string, ms: number): boolean {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = criContainerView(dirs, id);
    if (v.state !== 'CONTAINER_RUNNING') return true;
    if (Date.now() >= deadline) return false;
    sleepMs(20);
  }
}

function kill(dirs: StoreDirs, id: string, signal: string | number, all: boolean): void {
  const { killTask } = require('../tasks/ops') as typeof import('../tasks/ops');
  try {
    killTask(dirs.state, CRI_NAMESPACE, id, signal, { all });
  } catch (err) {
    // Exited (or its task deleted) meanwhile: what stop wanted.
    if (!(err instanceof BerthError) || criContainerView(dirs, id).state === 'CONTAINER_RUNNING') throw err;
  }
}

/**
 * CRI StopContainer: the image's stop signal (else SIGTERM), then SIGKILL to every process of the
 * container once `timeoutSec` has passed; 0 kills at once. Stopping a stopped container is fine.
 */
export function stopCriContainer(dirs: StoreDirs, idOrPrefix: string, timeoutSec: number): string {
  const v = criContainerView(dirs, idOrPrefix);
  if (v.state === 'CONTAINER_UNKNOWN') {
    stopUnknown(dirs, v.id, v.stopSignal || 'SIGTERM', timeoutSec);
    return v.id;
  }
  if (v.state !== 'CONTAINER_RUNNING') return v.id;
  if (timeoutSec > 0) {
    kill(dirs, v.id, v.stopSignal || 'SIGTERM', false);
    if (waitStopped(dirs, v.id, timeoutSec * 1000)) return v.id;
  }
  kill(dirs, v.id, 'SIGKILL', true);
  if (!waitStopped(dirs, v.id, 30_000)) throw new StateError(`container "${v.id}": still running 30s after SIGKILL`);
  return v.id;
}

/**
 * A container whose shim died (UNKNOWN): nobody will record its exit, so its processes are
 * signalled here by the runtime's record (the pid checked by its start time), the grace period
 * kept, and the exit recorded as containerd records an unknown container's (code 255, reason
 * Unknown). It was skipped before, and its process ran on after `stop` and `stopp`.
 */
function stopUnknown(dirs: StoreDirs, id: string, signal: string, timeoutSec: number): void {
  const root = runtimeRootForNamespace(dirs.state, CRI_NAMESPACE);
  const { initAlive, readRecord } = require('../runtime/container') as typeof import('../runtime/container');
  const { killContainer } = require('../runtime/lifecycle') as typeof import('../runtime/lifecycle');
  let rec: ReturnType<typeof readRecord> | undefined;
  try { rec = readRecord(root, id); } catch { /* no runtime record: nothing runs */ }
  const alive = (): boolean => rec !== undefined && initAlive(rec);
  const waitGone = (ms: number): boolean => {
    const deadline = Date.now() + ms;
    while (alive()) {
      if (Date.now() >= deadline) return false;
      sleepMs(20);
    }
    return true;
  };
  if (alive() && timeoutSec > 0) {
    try { killContainer(root, id, signal, false); } catch { /* exited meanwhile */ }
    waitGone(timeoutSec * 1000);
  }
  if (alive()) {
    try { killContainer(root, id, 'SIGKILL', true); } catch { /* exited meanwhile */ }
    if (!waitGone(30_000)) throw new StateError(`container "${id}": still running 30s after SIGKILL`);
  }
  const m = openMetadata(dirs.root);
  try {
    m.tx(() => saveStatus(m, id, { ...resolveCriContainer(m, id).status, finishedAt: nowNs(), exitCode: 255, reason: 'Unknown' }));
  } finally {
    m.close();
  }
}

/** Stops every running (or unknown) container of the pod at once (StopPodSandbox: no grace). */
export function stopContainersOfPod(dirs: StoreDirs, podId: string): void {
  const live = listPodContainerViews(dirs, podId).filter((x) => x.state === 'CONTAINER_RUNNING' || x.state === 'CONTAINER_UNKNOWN');
  for (const c of live) stopCriContainer(dirs, c.id, 0);
}

export interface CriExecOptions extends StoreDirs {
  id: string;
  cmd: string[];
  tty?: boolean;
  /** Keep our stdin for the process (-i); otherwise it reads /dev/null. */
  stdin?: boolean;
  /** Seconds; 0 means none. The process is killed when it runs longer. */
  timeoutSec?: number;
}

/** Exec/ExecSync: runs a command in the running container, returns its exit code. */
export async function execInCriContainer(o: CriExecOptions): Promise<number> {
  const v = criContainerView(o, o.id);
  if (v.state !== 'CONTAINER_RUNNING') throw new StateError(`container "${v.id}" is not running (state ${v.state})`);
  if (o.cmd.length === 0) throw new InvalidArgumentError('command is required');
  if (!o.stdin) {
    // The process inherits our fd 0: give it /dev/null unless -i.
    const { dup2 } = require('../sys/pty') as typeof import('../sys/pty');
    const n = fs.openSync('/dev/null', fs.constants.O_RDONLY);
    dup2(n, 0);
    fs.closeSync(n);
  }
  const { execTask, execPid } = require('../services/tasks') as typeof import('../services/tasks');
  const execId = `crictl-exec-${randomHex(6)}`;
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  if (o.timeoutSec && o.timeoutSec > 0) {
    timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(execPid(o.state, CRI_NAMESPACE, v.id, execId), 'SIGKILL'); } catch { /* gone already */ }
    }, o.timeoutSec * 1000);
  }
  try {
    const code = await execTask({ state: o.state, namespace: CRI_NAMESPACE, id: v.id, execId, args: o.cmd, tty: o.tty });
    if (timedOut) throw new BerthError('ETIMEDOUT', `command ${JSON.stringify(o.cmd.join(' '))} timed out after ${o.timeoutSec}s`);
    return code;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

export interface CriResourceUpdate {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  memoryLimitInBytes?: number;
}

/** CRI UpdateContainerResources: a running container's cgroup, then its recorded spec and config. */
export function updateCriContainer(dirs: StoreDirs, idOrPrefix: string, u: CriResourceUpdate): string {
  const v = criContainerView(dirs, idOrPrefix);
  const cpu: NonNullable<LinuxResources['cpu']> = {};
  if (u.cpuShares !== undefined && u.cpuShares > 0) cpu.shares = u.cpuShares;
  if (u.cpuQuota !== undefined && u.cpuQuota !== 0) cpu.quota = u.cpuQuota;
  if (u.cpuPeriod !== undefined && u.cpuPeriod > 0) cpu.period = u.cpuPeriod;
  if (u.cpusetCpus) cpu.cpus = u.cpusetCpus;
  if (u.cpusetMems) cpu.mems = u.cpusetMems;
  const res: LinuxResources = {};
  if (Object.keys(cpu).length > 0) res.cpu = cpu;
  if (u.memoryLimitInBytes !== undefined && u.memoryLimitInBytes > 0) {
    res.memory = (require('./container-spec') as typeof import('./container-spec')).criMemory(u.memoryLimitInBytes);
  }
  // As containerd: the cgroup of a running container; of any other, only its spec and config
  // (a created one starts with them; an exited one keeps them for inspect).
  if (v.state === 'CONTAINER_RUNNING') {
    const { updateContainer } = require('../runtime/control') as typeof import('../runtime/control');
    updateContainer(runtimeRootForNamespace(dirs.state, CRI_NAMESPACE), v.id, res);
  }
  const m = openMetadata(dirs.root);
  try {
    m.tx(() => {
      const c = resolveCriContainer(m, v.id);
      const spec = c.record.spec as Spec;
      const linux = spec.linux ?? {};
      const cur = linux.resources ?? {};
      linux.resources = { ...cur, ...(res.cpu ? { cpu: { ...cur.cpu, ...res.cpu } } : {}), ...(res.memory ? { memory: { ...cur.memory, ...res.memory } } : {}) };
      spec.linux = linux;
      const r = c.config.linux.resources;
      const config = { ...c.config, linux: { ...c.config.linux, resources: {
        ...r, cpuPeriod: u.cpuPeriod ?? r.cpuPeriod, cpuQuota: u.cpuQuota ?? r.cpuQuota, cpuShares: u.cpuShares ?? r.cpuShares,
        cpusetCpus: u.cpusetCpus ?? r.cpusetCpus, cpusetMems: u.cpusetMems ?? r.cpusetMems, memoryLimitInBytes: u.memoryLimitInBytes ?? r.memoryLimitInBytes,
      } } };
      m.containers.update(CRI_NAMESPACE, v.id, { spec, extensions: toContainerExtensions({ ...c, config }) });
    });
  } finally {
    m.close();
  }
  return v.id;
}

/**
 * CRI Attach as berth can give it: the container's output as it is logged, our input to its
 * stdin. When our input ends, as containerd's attach: with the config's stdin_once (and no tty)
 * the container's stdin is closed and its output followed until it exits; otherwise the attach
 * ends there and the container runs on.
 */
export async function attachCriContainer(dirs: StoreDirs, idOrPrefix: string, o: { stdin: boolean }, sink: LogSink, input?: NodeJS.ReadableStream): Promise<void> {
  const v = criContainerView(dirs, idOrPrefix);
  if (v.state !== 'CONTAINER_RUNNING') throw new StateError(`container "${v.id}" is not running (state ${v.state})`);
  const detach = new AbortController();
  if (o.stdin && input) {
    if (!v.config.stdin) throw new InvalidArgumentError(`container "${v.id}": its config has no stdin (stdin: true) to attach to`);
    const { taskPaths } = require('../layout') as typeof import('../layout');
    const p = taskPaths(dirs.state, CRI_NAMESPACE, v.id);
    const out = fs.createWriteStream('', { fd: fs.openSync(p.stdin, fs.constants.O_WRONLY) });
    out.on('error', () => undefined);
    // pipe() ends `out` (our end of the FIFO) once everything is written; the shim's end keeps the container's stdin open.
    out.once('finish', () => {
      if (v.config.stdinOnce && !v.config.tty) {
        const { sendControl } = require('../tasks/shim/control') as typeof import('../tasks/shim/control');
        sendControl(p.control, { type: 'close-stdin' });
      } else detach.abort();
    });
    input.pipe(out);
  }
  const { streamContainerLogs } = require('./container-logs') as typeof import('./container-logs');
  // Only what comes from now on, as attach shows it.
  await streamContainerLogs(dirs, v.id, { follow: true, tail: 0, signal: detach.signal }, sink);
}
