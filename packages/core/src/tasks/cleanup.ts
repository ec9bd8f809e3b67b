/**
 * Removing what a task leaves: the runtime's container (processes, cgroup, state), the rootfs
 * mount, and the task directory. Never removes recursively through a mount point: a rootfs that
 * cannot be unmounted stops the removal with an error instead of emptying the snapshot.
 */
import * as fs from 'node:fs';
import { runtimeRootForNamespace, taskPaths } from '../layout';
import { SysError, StateError } from '../errors';
import { umount, MNT_DETACH } from '../sys/mount';
import { deleteContainer } from '../runtime/lifecycle';
import { removeFlatDir } from '../util/remove';

export function unmountRootfs(rootfs: string): void {
  for (let i = 0; i < 8; i++) {
    try {
      umount(rootfs, 0);
    } catch (err) {
      if (err instanceof SysError && (err.errno === 'EINVAL' || err.errno === 'ENOENT')) return; // not (or no longer) a mount point
      if (err instanceof SysError && err.errno === 'EBUSY') { umount(rootfs, MNT_DETACH); continue; }
      throw err;
    }
  }
}

/** Removes the runtime container (killing what is left), the rootfs mount and the task directory. */
export function removeTaskFiles(state: string, ns: string, id: string): void {
  const p = taskPaths(state, ns, id);
  deleteContainer(runtimeRootForNamespace(state, ns), id, true);
  unmountRootfs(p.rootfs);
  try {
    fs.rmdirSync(p.rootfs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new StateError(`task ${id}: rootfs ${p.rootfs} is still in use (${code}); unmount it and delete the task again`);
  }
  removeFlatDir(p.dir);
}
