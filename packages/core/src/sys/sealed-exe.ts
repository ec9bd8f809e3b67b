/**
 * An executable to run from a detached read-only bind mount (runc 1.2 seals its own binary the
 * same way, with an overlay). A process of a container that opens /proc/<pid>/exe of such a
 * process gets a file it can never write (EROFS), even once nothing runs it; with the plain path
 * it could, once no process ran it (CVE-2019-5736). exec's program is for a few microseconds a
 * vfork child of the init stage, whose executable node is (runtime/init/exec-stage.ts).
 */
import * as fs from 'node:fs';
import { closeFd, openRaw, O_PATH } from './file';
import { MNT_DETACH, MS_BIND, MS_RDONLY, MS_REMOUNT, mount, umount } from './mount';

/**
 * An O_PATH fd (inheritable: not close-on-exec) of `file` on its own read-only bind mount,
 * detached from every tree at once: nothing is left mounted, the fd (and the processes executed
 * from /proc/self/fd/N) keep it alive. `scratch`: a path to bind it over for a moment, in a
 * directory only root writes. undefined when it cannot be made (no privilege, a mount refused).
 */
export function sealedExecutable(file: string, scratch: string): number | undefined {
  let fd: number | undefined;
  try {
    fs.writeFileSync(scratch, '', { mode: 0o400, flag: 'wx' });
  } catch {
    return undefined;
  }
  try {
    mount(file, scratch, null, MS_BIND);
    try {
      mount(null, scratch, null, MS_BIND | MS_REMOUNT | MS_RDONLY);
      fd = openRaw(scratch, O_PATH);
    } finally {
      umount(scratch, MNT_DETACH);
    }
    return fd;
  } catch {
    if (fd !== undefined) closeFd(fd);
    return undefined;
  } finally {
    try { fs.unlinkSync(scratch); } catch { /* gone */ }
  }
}
