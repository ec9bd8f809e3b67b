/**
 * ctr's tasks over the metadata store (the container's spec and snapshot) and the task
 * directories under --state. The shim is the only process that stays; everything here returns.
 */
import * as fs from 'node:fs';
import { taskPaths } from '../layout';
import { InvalidArgumentError, NotFoundError, UnsupportedError } from '../errors';
import { RUNTIME_TYPE } from '../cri/sandbox-record';
import { openMetadata } from '../metadata';
import type { Spec } from '../oci/types';
import { openSnapshotter } from '../snapshots';
import { startTask, type StartedTask } from '../tasks/start';
import { taskInfo } from '../tasks/records';
import { openClientIo, type ClientIo } from '../tasks/client-io';
import type { TaskIo } from '../tasks/types';

export { listTasks, taskInfo } from '../tasks/records';
export { killTask, pauseTask, resumeTask, taskProcesses, deleteTask, deleteExec, execPid, type TaskProcess, type DeleteTaskResult, type KillOptions } from '../tasks/ops';
export { taskMetrics, type TaskMetrics } from '../tasks/metrics';
export { waitTaskExit } from '../tasks/wait';
export { execTask, resolveUser, type ExecTaskOptions } from '../tasks/exec';
export { sendControl } from '../tasks/shim/control';
export type { TaskInfo, TaskIo, TaskStatus, ExitInfo } from '../tasks/types';
export type { StartedTask } from '../tasks/start';
export type { ClientIo, RelayStreams, Relay } from '../tasks/client-io';

export interface StartContainerTaskOptions {
  root: string;
  state: string;
  namespace: string;
  id: string;
  io: TaskIo;
  terminal?: boolean;
  consoleSize?: { rows: number; cols: number };
  pidFile?: string;
  /** Open our ends of the FIFOs before the container starts (foreground run, start without -d). */
  attach?: boolean;
}

/** Starts the task of container `id`: its snapshot mounted as the rootfs, run by a new shim. */
export async function startContainerTask(o: StartContainerTaskOptions): Promise<StartedTask> {
  const md = openMetadata(o.root);
  let spec: Spec;
  let snapshotter: string;
  let snapshotKey: string;
  try {
    const c = md.containers.get(o.namespace, o.id);
    if (!c.spec || typeof c.spec !== 'object') throw new InvalidArgumentError(`container ${o.id}: has no runtime spec`);
    // containerd takes any runtime name for a container and fails at the task's start when no
    // shim of that name is installed; berth has one, its own runc v2 shim.
    if (c.runtime.name !== RUNTIME_TYPE) {
      throw new UnsupportedError(`container ${o.id}: runtime ${JSON.stringify(c.runtime.name)} is not available: berth runs ${RUNTIME_TYPE} (its shim and runc) only`);
    }
    spec = c.spec as Spec;
    snapshotter = c.snapshotter;
    snapshotKey = c.snapshotKey;
  } finally {
    md.close();
  }
  let rootfsMounts;
  if (snapshotKey) {
    try {
      rootfsMounts = openSnapshotter(o.root, snapshotter, o.namespace).mounts(snapshotKey);
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError(`container ${o.id}: its snapshot ${snapshotKey} (${snapshotter}) is gone: ${err.message}`);
      throw err;
    }
  }
  return startTask({
    state: o.state, namespace: o.namespace, id: o.id, spec, rootfsMounts, io: o.io, terminal: o.terminal === true,
    consoleSize: o.consoleSize, pidFile: o.pidFile, attach: o.attach === true,
  });
}

/** Every task of the namespace, with its status from disk (tasks removed meanwhile are skipped). */

/**
 * Our ends of a task's FIFOs (`tasks attach`). As containerd's attach, a task that has exited, or
 * whose io is null or a log, has none: the attach then only waits for its status.
 */
export function attachTask(state: string, namespace: string, id: string): { io?: ClientIo; terminal: boolean } {
  const t = taskInfo(state, namespace, id);
  const p = taskPaths(state, namespace, id);
  if (t.status === 'STOPPED' || !fs.existsSync(p.stdout)) return { terminal: false };
  let terminal = false;
  try { terminal = (JSON.parse(fs.readFileSync(p.options, 'utf8')) as { terminal?: boolean }).terminal === true; } catch { /* plain */ }
  return { io: openClientIo(p, terminal, false), terminal };
}
