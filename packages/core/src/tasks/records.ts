/**
 * A task's state, read from its directory and the live system only: the shim's identity, the
 * init's exit record, and the runtime's own record of the container. No daemon keeps it.
 */
import * as fs from 'node:fs';
import { runtimeRootForNamespace, taskNamespaceDir, taskPaths } from '../layout';
import { NotFoundError } from '../errors';
import { isSameProcess } from '../sys/proc';
import { readSmallFile } from '../sys/small-file';
import { containerStatus, readRecord } from '../runtime/container';
import type { ExitInfo, ShimInfo, TaskInfo, TaskStatus } from './types';

function readJson<T>(file: string): T | undefined {
  const text = readSmallFile(file);
  return text === undefined ? undefined : JSON.parse(text) as T;
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

/** The task's status from disk: exit record, shim liveness, then the runtime's view. */
export function taskInfo(state: string, ns: string, id: string): TaskInfo {
  // The paths once: `tasks ls` asks this for every task.
  const p = taskPaths(state, ns, id);
  // existsSync first: a running task has no exit record, and a thrown ENOENT costs more. Whether
  // the task exists at all is asked only when it has no shim record (listing: one call less each).
  const exit = fs.existsSync(p.exit) ? readJson<ExitInfo>(p.exit) : undefined;
  if (exit) return { id, pid: exit.pid, status: 'STOPPED', exit };
  const root = runtimeRootForNamespace(state, ns);
  let pid = 0;
  let runtime: TaskStatus | undefined;
  try {
    const rec = readRecord(root, id);
    pid = rec.initPid;
    const s = containerStatus(root, rec);
    runtime = s === 'created' ? 'CREATED' : s === 'running' ? 'RUNNING' : s === 'paused' ? 'PAUSED' : 'STOPPED';
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  const shim = readJson<ShimInfo>(p.shim);
  if (!shim && !fs.existsSync(p.dir)) throw new NotFoundError(`task ${id}: not found in namespace ${ns} (no task was started for this container)`);
  if (!shimAlive(shim)) {
    const why = shim ? `its shim (pid ${shim.pid}) died without recording an exit status` : 'it has no shim (its start was interrupted)';
    return { id, pid, status: 'UNKNOWN', reason: `task ${id}: ${why}; delete it with \`ctr tasks delete --force ${id}\`` };
  }
  return { id, pid, status: runtime ?? 'CREATED' };
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
  for (const id of listTaskIds(state, namespace)) {
    try { out.push(taskInfo(state, namespace, id)); } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return out;
}
