/**
 * `ctr run` once its command line is understood: the container from the image, its task under a
 * new shim, then (in the foreground) the relay, the exit status and, with --rm, the removal.
 * Free of the CLI framework: the oclif command (run.ts) and the fast path (src/fast.ts) share it.
 */
import { trace } from '@berth/core/dist/util/trace';
import type { TaskIo } from '@berth/core/dist/services/tasks';
import type { ContainerFlagOptions } from '../container-options';
import { consoleSize, exitAfterFlush, foreground } from './tasks/task-io';

export interface RunRequest {
  root: string;
  state: string;
  namespace: string;
  ref: string;
  id: string;
  /** The container's command line (after image and id), empty for the image's. */
  args: string[];
  io: TaskIo;
  tty: boolean;
  rm: boolean;
  detach: boolean;
  pidFile?: string;
  container: ContainerFlagOptions;
}

export async function runContainer(r: RunRequest): Promise<void> {
  const { root, state, namespace: ns, id, container: o } = r;
  const containers = require('@berth/core/dist/services/containers') as typeof import('@berth/core/dist/services/containers');
  const tasks = require('@berth/core/dist/services/tasks') as typeof import('@berth/core/dist/services/tasks');
  await containers.createContainerFromImage({
    root, namespace: ns, id, ref: r.ref, args: r.args,
    snapshotter: o.snapshotter, rootfs: o.rootfs ? r.ref : undefined, labels: o.labels, specOptions: o.specOptions, runtime: o.runtime,
  });
  trace('run: container created');
  const removeContainer = async (): Promise<void> => {
    const res = await containers.removeContainers(root, state, ns, [id]);
    for (const e of res.errors) process.stderr.write(`ctr: ${e.message}\n`);
  };
  // As ctr's deferred container.Delete: with --rm the container goes however the run ends (a task
  // that could not start, a wait that failed because another `t rm -f` took the task or its shim
  // was killed), not only after a clean exit.
  let status: number;
  try {
    const started = await tasks.startContainerTask({
      root, state, namespace: ns, id, io: r.io, terminal: r.tty, consoleSize: r.tty ? consoleSize() : undefined,
      pidFile: r.pidFile, attach: !r.detach,
    });
    if (r.detach) {
      started.io?.close();
      return;
    }
    let exited = false;
    try {
      status = await foreground(state, ns, id, started, r.tty);
      exited = true;
      trace('run: task exited');
    } finally {
      // As ctr: the task goes once its status is in (the container stays unless --rm), so that
      // `tasks start` can run the container again. A wait fails when the task is gone (another
      // `t rm -f`) or its shim died: containerd then cleans the container up itself, so do we.
      try {
        tasks.deleteTask(state, ns, id, true);
      } catch (err) {
        if (exited) throw err; // after a failed wait the task is gone already: that error says why
      }
      trace('run: task deleted');
    }
  } finally {
    if (r.rm && !r.detach) {
      await removeContainer();
      trace('run: container removed');
    }
  }
  await exitAfterFlush(status);
}
