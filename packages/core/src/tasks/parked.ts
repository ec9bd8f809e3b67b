/**
 * A shim parked for a CRI container's task at `crictl create`, taken by `crictl start`.
 *
 * containerd makes a CRI container's task (its shim, the runtime's create) at StartContainer;
 * CRI-O makes the runtime's container at CreateContainer already. berth keeps containerd's split
 * — the task, its init and their errors come at start — but spawns the task's shim at create: it
 * loads what a create needs and starts the init stage in the container's PID namespace
 * (runtime/prespawn.ts) while it waits, so both Node start-ups are off `crictl start`'s path.
 *
 * Its fd 3 is a listening unix socket (criContainerStatePaths().parkedSocket); the starter
 * connects and speaks the prespawned shim's protocol on the connection: a ShimHandoff line in, a
 * ShimReady line back. A container removed without a start discards it: a connection closed at
 * once is an EOF handoff, on which the shim (and the init it holds) exits.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { criContainerStatePaths, shimEntryScript } from '../layout';
import type { Spec } from '../oci/types';
import { closeFd } from '../sys/file';
import { isSameProcess, procStat } from '../sys/proc';
import { unixListen } from '../sys/socket';
import { spawnHelper } from '../sys/spawn';
import { sleepMs } from '../util/sleep';
import { trace } from '../util/trace';
import { writeEphemeral } from './ephemeral';
import { SHIM_NODE_FLAGS, shimEnv } from './prespawn';
import { PARKED_ARG, type ShimInfo } from './types';
import { makeDirs } from '../util/make-dirs';

/** What the parked shim's init is spawned for: the spec's namespaces (its PID namespace), its terminal. */
function initSpec(spec: Spec): Spec {
  const terminal = spec.process?.terminal === true;
  return { ociVersion: spec.ociVersion, process: { terminal, cwd: '/', user: { uid: 0, gid: 0 } }, linux: { namespaces: spec.linux?.namespaces ?? [] } };
}

/** Spawns the container's parked shim (root only); a failure only means `crictl start` spawns one. */
export function parkShim(state: string, id: string, spec: Spec): void {
  if (process.geteuid?.() !== 0) return;
  const p = criContainerStatePaths(state, id);
  let listener: number | undefined;
  try {
    makeDirs(p.dir, 0o700);
    fs.chmodSync(p.dir, 0o700); // one made before keeps its mode otherwise
    listener = viaDirFd(p.dir, (dir) => unixListen(`${dir}/${path.basename(p.parkedSocket)}`, 4));
    // Not in our working directory (it would hold it for as long as it waits), nor told a relative path.
    const pid = spawnHelper(process.execPath, [process.execPath, ...SHIM_NODE_FLAGS, shimEntryScript(), PARKED_ARG, path.resolve(p.parkedSocket), JSON.stringify(initSpec(spec))],
      shimEnv(), ['null', 'null', 'null', listener], { setsid: true, cwd: '/' });
    const info: ShimInfo = { pid, startTime: procStat(pid)?.startTime ?? 0 };
    writeEphemeral(p.parkedShim, JSON.stringify(info));
    trace(`create: shim parked ${pid}`);
  } catch (err) {
    trace(`create: no shim parked: ${(err as Error).message}`);
    fs.rmSync(p.dir, { recursive: true, force: true });
  } finally {
    if (listener !== undefined) closeFd(listener);
  }
}

export interface ParkedShim { info: ShimInfo; chan: net.Socket }

/**
 * The container's parked shim, connected (it is ours from now on: its socket file is gone), or
 * undefined when there is none or it is gone.
 */
export async function takeParkedShim(state: string, id: string): Promise<ParkedShim | undefined> {
  const p = criContainerStatePaths(state, id);
  let info: ShimInfo;
  try {
    info = JSON.parse(fs.readFileSync(p.parkedShim, 'utf8')) as ShimInfo;
  } catch {
    return undefined;
  }
  // One starter takes it: the first to remove the record (a second falls back to a shim of its own).
  try {
    fs.unlinkSync(p.parkedShim);
  } catch {
    return undefined;
  }
  const chan = await connect(p.parkedSocket);
  removeParkedState(state, id);
  if (!chan) return undefined;
  if (!isSameProcess(info.pid, info.startTime)) {
    chan.destroy();
    return undefined;
  }
  trace('task: parked shim taken');
  return { info, chan };
}

/**
 * `fn` with a short name of `dir` (/proc/self/fd/N, N open on it): a socket's path must fit in
 * 108 bytes, and a --state directory may be as long as it likes.
 */
function viaDirFd<T>(dir: string, fn: (short: string) => T): T {
  const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    return fn(`/proc/self/fd/${fd}`);
  } finally {
    fs.closeSync(fd);
  }
}

async function connect(socketPath: string): Promise<net.Socket | undefined> {
  let dirFd: number;
  try {
    dirFd = fs.openSync(path.dirname(socketPath), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  } catch {
    return undefined;
  }
  try {
    // Connected (or refused) before the directory's fd is closed: the name is resolved at connect.
    return await new Promise((resolve) => {
      const chan = net.connect(`/proc/self/fd/${dirFd}/${path.basename(socketPath)}`);
      chan.once('connect', () => resolve(chan));
      chan.once('error', () => resolve(undefined));
    });
  } finally {
    fs.closeSync(dirFd);
  }
}

/** The container's parked-shim directory: a shim still waiting there exits within a second. */
function removeParkedState(state: string, id: string): void {
  fs.rmSync(criContainerStatePaths(state, id).dir, { recursive: true, force: true });
}

/**
 * Lets a never-started container's parked shim go (an EOF handoff) and waits for it to exit; its
 * directory goes in any case (what a create or a start killed half-way left).
 */
export async function discardParkedShim(state: string, id: string): Promise<void> {
  const parked = await takeParkedShim(state, id);
  if (!parked) {
    removeParkedState(state, id); // taking removes it
    return;
  }
  parked.chan.destroy();
  for (let i = 0; i < 200 && isSameProcess(parked.info.pid, parked.info.startTime); i++) sleepMs(10);
}
