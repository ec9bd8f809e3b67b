/**
 * Task operations that work from disk and signal by pid: kill, pause, resume, ps, delete. The
 * runtime checks that a pid is still the container's (start time) before signalling it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runtimeRootForNamespace, taskPaths } from '../layout';
import { NotFoundError, StateError } from '../errors';
import { isSameProcess } from '../sys/proc';
import { containerPids, pauseContainer, resumeContainer } from '../runtime/control';
import { killContainer } from '../runtime/lifecycle';
import { parseSignal } from '../runtime/signals';
import { sleepMs } from '../util/sleep';
import { lockFile, tryLockFile } from '../util/file-lock';
import { removeTaskFiles } from './cleanup';
import { removeFile } from '../util/remove';
import { readShim, requireContainerId, taskInfo } from './records';
import type { ExitInfo, TaskInfo } from './types';

const rootOf = runtimeRootForNamespace;

/** Exec process `execId`: its record and pid, and whether that pid is still one of the container's. */
function execProcess(state: string, ns: string, id: string, execId: string): { file: string; pid: number; running: boolean } {
  requireContainerId(ns, id);
  const file = path.join(taskPaths(state, ns, id).execs, `${execId}.pid`);
  let pid: number;
  try {
    pid = Number(fs.readFileSync(file, 'utf8').trim());
  } catch {
    throw new NotFoundError(`task ${id}: exec process ${execId} not found`);
  }
  // The cgroup's member list is the identity check: a recycled pid is not in it. No pid yet: the
  // exec is starting (execTask writes it once the process exists).
  return { file, pid, running: !(pid > 0) || containerPids(rootOf(state, ns), id).includes(pid) };
}

/** The pid of exec process `execId`, if it is still one of the container's processes. */
export function execPid(state: string, ns: string, id: string, execId: string): number {
  const p = execProcess(state, ns, id, execId);
  if (!p.running || !(p.pid > 0)) throw new NotFoundError(`task ${id}: exec process ${execId} has already exited`);
  return p.pid;
}

/**
 * `tasks delete --exec-id`: frees the exec id of a process that has exited, as containerd's
 * delete of an exec process. A running one is refused, or with `force` killed first (its status
 * is then 137). A detached exec's own exit status is not recorded (tasks/exec.ts): undefined.
 */
export function deleteExec(state: string, ns: string, id: string, execId: string, force = false): { status?: number } {
  const p = execProcess(state, ns, id, execId);
  let status: number | undefined;
  if (p.running) {
    if (!force) throw new StateError(`task ${id}: exec process ${execId}: cannot delete a running process; kill it first or use --force`);
    if (p.pid > 0) {
      try { process.kill(p.pid, 'SIGKILL'); } catch { /* exited meanwhile */ }
      // The pid itself, not its file: a foreground exec's ctr removes that once the process is gone.
      const deadline = Date.now() + 10_000;
      while (containerPids(rootOf(state, ns), id).includes(p.pid) && Date.now() < deadline) sleepMs(5);
      status = 128 + 9;
    }
  }
  removeFile(p.file);
  return { status };
}

export interface KillOptions { all?: boolean; execId?: string }

export function killTask(state: string, ns: string, id: string, signal: string | number, o: KillOptions = {}): void {
  const sig = parseSignal(signal);
  if (o.execId) {
    process.kill(execPid(state, ns, id, o.execId), sig);
    return;
  }
  const t = taskInfo(state, ns, id);
  // containerd's words for a finished init ("process already finished: not found"), naming the task.
  const finished = `task ${id}: process already finished: not found`;
  if (t.status === 'STOPPED') {
    // containerd: --all of a finished task is no error (runc's kill --all of an empty cgroup).
    if (o.all === true) return;
    throw new NotFoundError(finished);
  }
  try {
    killContainer(rootOf(state, ns), id, sig, o.all === true);
  } catch (err) {
    if (err instanceof StateError) throw new NotFoundError(finished);
    if (err instanceof NotFoundError) throw new StateError(`task ${id}: not created yet (status ${t.status})`);
    throw err;
  }
}

export function pauseTask(state: string, ns: string, id: string): void {
  requireStatus(taskInfo(state, ns, id), ['RUNNING'], 'pause');
  pauseContainer(rootOf(state, ns), id);
}

export function resumeTask(state: string, ns: string, id: string): void {
  requireStatus(taskInfo(state, ns, id), ['PAUSED'], 'resume');
  resumeContainer(rootOf(state, ns), id);
}

function requireStatus(t: TaskInfo, ok: string[], what: string): void {
  if (t.status === 'UNKNOWN') throw new StateError(t.reason ?? `task ${t.id}: status unknown`);
  if (!ok.includes(t.status)) throw new StateError(`task ${t.id}: cannot ${what} a task that is ${t.status.toLowerCase()}`);
}

export interface TaskProcess { pid: number; execId?: string }

export function taskProcesses(state: string, ns: string, id: string): TaskProcess[] {
  const t = taskInfo(state, ns, id);
  if (t.status === 'STOPPED') return [];
  if (t.status === 'UNKNOWN' && t.pid === 0) throw new StateError(t.reason ?? `task ${id}: status unknown`);
  const pids = containerPids(rootOf(state, ns), id);
  const execs = new Map<number, string>();
  const dir = taskPaths(state, ns, id).execs;
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (!f.endsWith('.pid')) continue;
    try { execs.set(Number(fs.readFileSync(path.join(dir, f), 'utf8').trim()), f.slice(0, -4)); } catch { /* removed meanwhile */ }
  }
  return pids.map((pid) => (execs.has(pid) ? { pid, execId: execs.get(pid) } : { pid }));
}

export interface DeleteTaskResult { id: string; exit?: ExitInfo }

/**
 * Deletes a stopped task (or, with `force`, kills it first and waits for its shim to record the
 * exit). A task whose shim died is removed too: there is nothing left to wait for.
 */
export function deleteTask(state: string, ns: string, id: string, force = false, o: { unlessBusy?: boolean } = {}): DeleteTaskResult {
  taskInfo(state, ns, id); // not found: before any lock file is made
  // One delete at a time (containerd's shim serialises them): a second waits, then finds the
  // task gone. The lock file is inside the task's directory and goes with it. `unlessBusy` (a
  // CRI shim deleting its own task as it exits) gives way to a delete under way, which waits for
  // that very shim to exit: waiting for its lock would hold both up until the delete's timeout.
  let release: (() => void) | undefined;
  const file = path.join(taskPaths(state, ns, id).dir, '.delete.lock');
  try {
    release = o.unlessBusy ? tryLockFile(file) : lockFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`task ${id}: not found in namespace ${ns}`);
    throw err;
  }
  if (!release) return { id };
  try {
    return deleteTaskLocked(state, ns, id, force);
  } finally {
    release();
  }
}

function deleteTaskLocked(state: string, ns: string, id: string, force: boolean): DeleteTaskResult {
  let t = taskInfo(state, ns, id);
  if (t.status !== 'STOPPED' && t.status !== 'UNKNOWN') {
    if (!force) throw new StateError(`task ${id}: cannot delete a ${t.status.toLowerCase()} task; kill it first or use --force`);
    try { killContainer(rootOf(state, ns), id, 9, true); } catch { /* exited meanwhile */ }
    const shim = readShim(state, ns, id);
    const deadline = Date.now() + 10_000;
    while (shim && isSameProcess(shim.pid, shim.startTime) && Date.now() < deadline) sleepMs(5);
    // A CRI container's shim deletes its task itself once the container is gone (shim-cri-log.ts).
    try {
      t = taskInfo(state, ns, id);
    } catch (err) {
      if (err instanceof NotFoundError) return { id, exit: t.exit };
      throw err;
    }
  } else if (t.status === 'UNKNOWN' && t.pid > 0 && !force) {
    // The shim is gone but the container may still run: only --force kills it.
    const root = rootOf(state, ns);
    const { containerStatus, readRecord } = require('../runtime/container') as typeof import('../runtime/container');
    let alive = false;
    try { alive = containerStatus(root, readRecord(root, id)) !== 'stopped'; } catch { /* no record */ }
    if (alive) throw new StateError(`${t.reason ?? `task ${id}: shim died`}; its container still runs: use --force`);
  }
  removeTaskFiles(state, ns, id);
  return { id, exit: t.exit };
}
