/**
 * A task's state, read from its directory and the live system only: the shim's identity, the
 * init's exit record, and the runtime's own record of the container. No daemon keeps it.
 */
import * as fs from 'node:fs';
import { runtimeRootForNamespace, taskNamespaceDir, taskPaths } from '../layout';
import { NotFoundError } from '../errors';
import { isIdentifier } from '../metadata/validate';
import { isLive, isSameProcess, procStat } from '../sys/proc';
import { readSmallFile } from '../sys/small-file';
import { liveStatus, readRecord, type ContainerRecord } from '../runtime/container';
import type { ContainerStatus } from '../oci/types';
import type { ExitInfo, ShimInfo, TaskInfo, TaskStatus } from './types';

function readJson<T>(file: string): T | undefined {
  const text = readSmallFile(file);
  return text === undefined ? undefined : JSON.parse(text) as T;
}

/**
 * A task is named by its container's id, a containerd identifier: anything else ('', '..', 'a/b')
 * names no container, and must never become a path (`tasks delete ""` removed every task's
 * runtime state before this check). containerd's words for a container it does not have.
 */
export function requireContainerId(ns: string, id: string): void {
  if (!isIdentifier(id)) throw new NotFoundError(`container "${id}" in namespace "${ns}": not found`);
}

export function readShim(state: string, ns: string, id: string): ShimInfo | undefined {
  return readJson<ShimInfo>(taskPaths(state, ns, id).shim);
}

export function readExit(state: string, ns: string, id: string): ExitInfo | undefined {
  return readJson<ExitInfo>(taskPaths(state, ns, id).exit);
}

export function shimAlive(shim: ShimInfo | undefined): boolean {
  return shim !== undefined && isSameProcess(shim.pid, shim.startTime);
}

export function taskExists(state: string, ns: string, id: string): boolean {
  return fs.existsSync(taskPaths(state, ns, id).dir);
}

/**
 * The task's status from disk: the runtime's record and the live init, else the exit record; the
 * shim's liveness. `root`: the namespace's runtime root (a listing makes it once).
 */
export function taskInfo(state: string, ns: string, id: string, root = runtimeRootForNamespace(state, ns)): TaskInfo {
  requireContainerId(ns, id);
  const rec = recordOrUndefined(root, id);
  const init = rec !== undefined && rec.initPid > 0 ? procStat(rec.initPid) : undefined;
  const live = rec !== undefined && init !== undefined && isLive(init, rec.initStartTime);
  // A live init whose parent is still its creator, the task's shim: nothing else to read (a
  // listing's common case; only shims create the containers of this runtime root).
  if (live && rec.creatorPid !== undefined && init.ppid === rec.creatorPid) return { id, pid: rec.initPid, status: taskStatus(liveStatus(root, rec, init.state)) };
  // The task's paths only off that common path (a dozen strings each).
  const p = taskPaths(state, ns, id);
  // A live init has not exited: no exit record to look for. existsSync first: a thrown ENOENT
  // costs more.
  if (!live) {
    const exit = fs.existsSync(p.exit) ? readJson<ExitInfo>(p.exit) : undefined;
    if (exit) return { id, pid: exit.pid, status: 'STOPPED', exit };
  }
  // Whether the task exists at all is asked only when it has no shim record.
  const shim = readJson<ShimInfo>(p.shim);
  if (!shim && !fs.existsSync(p.dir)) throw new NotFoundError(`task ${id}: not found in namespace ${ns} (no task was started for this container)`);
  const pid = rec?.initPid ?? 0;
  // While both live, the init's parent is its shim (an orphan is reparented at once): the shim's
  // own /proc entry need not be read then.
  if (!(live && init.ppid === shim?.pid) && !shimAlive(shim)) {
    const why = shim ? `its shim (pid ${shim.pid}) died without recording an exit status` : 'it has no shim (its start was interrupted)';
    return { id, pid, status: 'UNKNOWN', reason: `task ${id}: ${why}; delete it with \`ctr tasks delete --force ${id}\`` };
  }
  if (!rec) return { id, pid, status: 'CREATED' };
  return { id, pid, status: taskStatus(live ? liveStatus(root, rec, init.state) : 'stopped') };
}

function recordOrUndefined(root: string, id: string): ContainerRecord | undefined {
  try {
    return readRecord(root, id);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    return undefined;
  }
}

function taskStatus(s: ContainerStatus): TaskStatus {
  return s === 'created' ? 'CREATED' : s === 'running' ? 'RUNNING' : s === 'paused' ? 'PAUSED' : 'STOPPED';
}

export function listTaskIds(state: string, ns: string): string[] {
  try {
    return fs.readdirSync(taskNamespaceDir(state, ns)).filter((n) => !n.startsWith('.')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Every task of a namespace with its status (`tasks ls`). */
export function listTasks(state: string, namespace: string): TaskInfo[] {
  const out: TaskInfo[] = [];
  const root = runtimeRootForNamespace(state, namespace);
  for (const id of listTaskIds(state, namespace)) {
    try { out.push(taskInfo(state, namespace, id, root)); } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return out;
}
