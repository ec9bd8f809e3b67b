/** Mounting a snapshot's mount descriptions at a target, and unmounting it. */
import { MNT_DETACH, MS_BIND, MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_RDONLY, MS_REC, MS_REMOUNT, mount, umount } from '../sys/mount';
import { SysError, UnsupportedError } from '../errors';
import { filesystemOf } from './probe';
import type { SnapshotMount } from './types';

const FLAGS: Record<string, number> = { ro: MS_RDONLY, nosuid: MS_NOSUID, nodev: MS_NODEV, noexec: MS_NOEXEC, bind: MS_BIND, rbind: MS_BIND | MS_REC };

export function mountAll(mounts: SnapshotMount[], target: string): void {
  for (const m of mounts) {
    let flags = 0;
    const data: string[] = [];
    for (const o of m.options) {
      if (o === 'rw') continue;
      const f = FLAGS[o];
      if (f !== undefined) flags |= f; else data.push(o);
    }
    if (m.type === 'bind' || (flags & MS_BIND) !== 0) {
      const bindFlags = MS_BIND | (flags & MS_REC);
      mount(m.source, target, null, bindFlags, null);
      // A bind ignores MS_RDONLY and friends until remounted.
      const extra = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
      if (extra !== 0) mount(null, target, null, MS_BIND | MS_REMOUNT | extra, null);
    } else {
      try {
        mount(m.source, target, m.type, flags, data.length > 0 ? data.join(',') : null);
      } catch (err) {
        throw overlayRefused(m, err) ?? err;
      }
    }
  }
}

export function unmount(target: string, opts: { detach?: boolean } = {}): void {
  umount(target, opts.detach ? MNT_DETACH : 0);
}

/**
 * The kernel answers EINVAL alone (the reason goes to dmesg) when an overlay's upperdir lives on a
 * filesystem that cannot hold one (overlayfs itself, some network filesystems): the error says
 * so, and what to use instead.
 */
function overlayRefused(m: SnapshotMount, err: unknown): UnsupportedError | undefined {
  if (m.type !== 'overlay' || !(err instanceof SysError) || err.errno !== 'EINVAL') return undefined;
  const upper = m.options.find((o) => o.startsWith('upperdir='))?.slice('upperdir='.length);
  if (upper === undefined) return undefined;
  const fsType = filesystemOf(upper);
  return new UnsupportedError(`overlayfs not available: upperdir ${upper} is on ${fsType}, which overlayfs refuses as an upper filesystem (mount: invalid argument); use --snapshotter native, or a root on ext4/xfs/tmpfs`);
}
