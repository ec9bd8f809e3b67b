/**
 * Starting a task: the task directory (bundle config, rootfs mount, FIFOs), then the shim,
 * spawned detached so it outlives us, then its one-line report. Everything made here is undone
 * if the shim reports a failure or dies first.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { runtimeRootForNamespace, shimEntryScript, taskNamespaceDir, taskPaths, type TaskPaths } from '../layout';
import { AlreadyExistsError, BerthError, InvalidArgumentError } from '../errors';
import type { Spec } from '../oci/types';
import { mkfifo } from '../sys/file';
import { procStat } from '../sys/proc';
import { mountAll, type SnapshotMount } from '../snapshots';
import { writeEphemeral } from './ephemeral';
import { requireRoot } from '../runtime/create';
import { trace } from '../util/trace';
import { openClientIo, type ClientIo } from './client-io';
import { removeTaskFiles } from './cleanup';
import type { ParkedShim } from './parked';
import { SHIM_NODE_FLAGS, shimEnv, takePrespawnedShim, takeSelfShim } from './prespawn';
import type { ShimHandoff, ShimInfo, ShimOptions, ShimReady, TaskIo } from './types';
import { makeDirs } from '../util/make-dirs';

export interface StartTaskOptions {
  state: string;
  namespace: string;
  id: string;
  /** The container's spec (root.path is replaced when `rootfsMounts` is given). */
  spec: Spec;
  /** The container's snapshot, mounted on the task's rootfs; without it the spec's root.path is used. */
  rootfsMounts?: SnapshotMount[];
  io: TaskIo;
  terminal: boolean;
  consoleSize?: { rows: number; cols: number };
  pidFile?: string;
  /** Open our ends of the FIFOs before the container starts, so no output is missed (foreground). */
  attach: boolean;
  /** The shim parked for this task at create (tasks/parked.ts), connected, to hand the task to. */
  parked?: ParkedShim;
}

export interface StartedTask {
  pid: number;
  paths: TaskPaths;
  /** Our ends of the task's FIFOs (when `attach` and FIFO io). */
  io?: ClientIo;
}

export { SHIM_NODE_FLAGS } from './prespawn';

export async function startTask(o: StartTaskOptions): Promise<StartedTask> {
  // Absolute: the shim works from the task's directory, and a served run's shim is this process.
  const state = path.resolve(o.state);
  const p = taskPaths(state, o.namespace, o.id);
  try {
    requireRoot();
    if (o.terminal && o.io.kind !== 'fifo' && o.io.kind !== 'cri') throw new InvalidArgumentError('tty and null-io or log-uri cannot be used together');
    makeDirs(taskNamespaceDir(state, o.namespace), 0o711);
    // The claim: of two starters of one task, exactly one makes the directory.
    fs.mkdirSync(p.dir, { mode: 0o711 });
  } catch (err) {
    o.parked?.chan.destroy(); // not handed a task: it exits at the EOF
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new AlreadyExistsError(`task ${o.id}: already exists in namespace ${o.namespace}`);
    throw err;
  }
  let io: ClientIo | undefined;
  try {
    const spec: Spec = JSON.parse(JSON.stringify(o.spec)) as Spec;
    if (o.rootfsMounts && o.rootfsMounts.length > 0) {
      fs.mkdirSync(p.rootfs);
      mountAll(o.rootfsMounts, p.rootfs);
      spec.root = { ...(spec.root ?? {}), path: p.rootfs };
    } else {
      const root = spec.root?.path;
      if (!root || !path.isAbsolute(root)) throw new InvalidArgumentError(`container ${o.id}: no snapshot and no absolute root.path in its spec to run from`);
      if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new InvalidArgumentError(`container ${o.id}: rootfs ${root} does not exist (was it removed?)`);
    }
    if (o.terminal) spec.process = { ...(spec.process ?? { cwd: '/', user: { uid: 0, gid: 0 } }), terminal: true };
    else if (spec.process?.terminal) spec.process = { ...spec.process, terminal: false };
    writeEphemeral(p.config, JSON.stringify(spec));
    mkfifo(p.control, 0o600);
    if (o.io.kind === 'fifo' || o.io.kind === 'cri') for (const f of [p.stdin, p.stdout, p.stderr]) mkfifo(f, 0o600);
    if (o.attach && o.io.kind === 'fifo') io = openClientIo(p, o.terminal, true);

    const opts: ShimOptions = {
      namespace: o.namespace, id: o.id, runtimeRoot: runtimeRootForNamespace(state, o.namespace), io: o.io, terminal: o.terminal,
      ...(o.consoleSize ? { consoleSize: o.consoleSize } : {}), ...(o.pidFile ? { pidFile: path.resolve(o.pidFile) } : {}),
    };
    writeEphemeral(p.options, JSON.stringify(opts));
    const ready = await spawnShim(state, o.namespace, o.id, p, o.parked);
    if (!ready.ok) throw new BerthError('EINVAL', ready.error);
    io?.started();
    return { pid: ready.pid, paths: p, io };
  } catch (err) {
    io?.close();
    o.parked?.chan.destroy(); // not handed over yet: it exits at the EOF
    removeTaskFiles(state, o.namespace, o.id);
    throw err;
  }
}

/** A shim that waits for its task on a socket: prespawned by us, or parked at create. */
interface WaitingShim { pid: number | undefined; chan: Socket; startTime?: number; unref(): void }

async function spawnShim(state: string, ns: string, id: string, p: TaskPaths, parked?: ParkedShim): Promise<ShimReady> {
  trace('task: spawn shim');
  const self = parked ? undefined : takeSelfShim();
  if (self) {
    const info: ShimInfo = { pid: process.pid, startTime: procStat(process.pid)?.startTime ?? 0 };
    writeEphemeral(p.shim, JSON.stringify(info));
    const ready = await self({ state, namespace: ns, id });
    trace('task: shim ready');
    return ready;
  }
  let shim: WaitingShim | undefined;
  if (parked) {
    shim = { pid: parked.info.pid, chan: parked.chan, startTime: parked.info.startTime, unref: () => parked.chan.unref() };
  } else {
    const child = takePrespawnedShim();
    if (child) shim = { pid: child.pid, chan: child.stdio[3] as Socket, unref: () => child.unref() };
  }
  if (shim) {
    const handoff: ShimHandoff = { state, namespace: ns, id };
    shim.chan.write(`${JSON.stringify(handoff)}\n`);
  } else {
    const errFd = fs.openSync(p.log, 'a');
    const child = spawn(process.execPath, [...SHIM_NODE_FLAGS, shimEntryScript(), state, ns, id], {
      detached: true, stdio: ['ignore', 'ignore', errFd, 'pipe'], env: shimEnv(),
    });
    fs.closeSync(errFd);
    shim = { pid: child.pid, chan: child.stdio[3] as Socket, unref: () => child.unref() };
  }
  const pid = shim.pid;
  if (pid === undefined) throw new BerthError('EIO', `task ${id}: the shim could not be started`);
  const info: ShimInfo = { pid, startTime: shim.startTime ?? procStat(pid)?.startTime ?? 0 };
  writeEphemeral(p.shim, JSON.stringify(info));
  const chan = shim.chan;
  const line = await new Promise<string>((resolve) => {
    let buf = '';
    chan.setEncoding('utf8');
    chan.on('data', (d: string) => { buf += d; });
    chan.on('error', () => undefined);
    chan.on('close', () => resolve(buf));
  });
  trace('task: shim ready');
  shim.unref();
  const text = line.split('\n')[0] ?? '';
  if (text === '') {
    const logText = (() => { try { return fs.readFileSync(p.log, 'utf8').trim().split('\n').pop() ?? ''; } catch { return ''; } })();
    return { ok: false, error: `task ${id}: the shim exited before starting the container${logText ? `: ${logText}` : ''}` };
  }
  return JSON.parse(text) as ShimReady;
}
