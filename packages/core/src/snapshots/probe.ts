/**
 * Can each snapshotter containerd knows work on this machine, under this root? The checks
 * containerd's plugins make at start (ctr plugins ls shows their outcome), done for real:
 * overlayfs needs the filesystem in the kernel, d_type on the root's filesystem and a test
 * overlay mount with two lower directories there; btrfs/zfs need the root to be on one;
 * devmapper needs a configured pool; aufs needs the filesystem in the kernel. berth implements
 * overlayfs and native; the others are reported so the list reads as containerd's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mount, umount, MNT_DETACH } from '../sys/mount';
import { makeRootDirs } from '../util/root-dirs';

export type ProbeStatus = 'ok' | 'skip' | 'error';

export interface SnapshotterProbe {
  /** containerd's plugin id: overlayfs, native, btrfs, zfs, devmapper, aufs. */
  id: string;
  /** The snapshotter's root directory under the store root. */
  root: string;
  status: ProbeStatus;
  /** Why it cannot be used, ending in ": skip plugin" when the plugin is skipped (as containerd says). */
  error?: string;
  /** berth has an implementation (the others only ever report skip/error here). */
  implemented: boolean;
}

const SKIP = 'skip plugin';

/** Filesystems the kernel knows (/proc/filesystems). */
export function kernelFilesystems(): Set<string> {
  try {
    return new Set(fs.readFileSync('/proc/filesystems', 'utf8').split('\n').map((l) => (l.split('\t')[1] ?? '').trim()).filter(Boolean));
  } catch {
    return new Set();
  }
}

/** The filesystem type of the mount holding `p` (the longest mount point that is a prefix of it), from mountinfo. */
export function filesystemOf(p: string): string {
  let real = path.resolve(p);
  while (!fs.existsSync(real)) real = path.dirname(real);
  real = fs.realpathSync(real);
  let best = '';
  let type = 'unknown';
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    const sep = f.indexOf('-');
    if (sep < 0) continue;
    const mp = (f[4] ?? '').replace(/\\(\d{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
    const inside = real === mp || mp === '/' || real.startsWith(`${mp}/`);
    // Later lines are mounted on top: an equal-length match later wins.
    if (inside && mp.length >= best.length) {
      best = mp;
      type = f[sep + 1] ?? 'unknown';
    }
  }
  return type;
}

/** Whether readdir reports file types on the filesystem of `dir` (overlayfs needs d_type). */
function supportsDType(dir: string): boolean {
  fs.writeFileSync(path.join(dir, 'f'), '');
  return fs.readdirSync(dir, { withFileTypes: true }).some((e) => e.name === 'f' && e.isFile());
}

/**
 * containerd's overlayutils.Supported: d_type, then an overlay mount with two lower directories
 * in a temporary directory under `sroot`, unmounted and removed again. Returns the reason it
 * fails, or undefined.
 */
export function overlayProblem(sroot: string): string | undefined {
  if (!kernelFilesystems().has('overlay')) return `overlayfs is not supported by the kernel (no overlay in /proc/filesystems): ${SKIP}`;
  try {
    makeRootDirs(path.dirname(sroot), sroot, 0o700);
  } catch (err) {
    return (err as Error).message;
  }
  const tmp = fs.mkdtempSync(path.join(sroot, 'overlay-check-'));
  try {
    if (!supportsDType(tmp)) return `${sroot} does not support d_type. If the backing filesystem is xfs, please reformat with ftype=1 to enable d_type support: ${SKIP}`;
    for (const d of ['lower1', 'lower2', 'upper', 'work', 'merged']) fs.mkdirSync(path.join(tmp, d));
    const opts = `lowerdir=${path.join(tmp, 'lower2')}:${path.join(tmp, 'lower1')},upperdir=${path.join(tmp, 'upper')},workdir=${path.join(tmp, 'work')}`;
    try {
      mount('overlay', path.join(tmp, 'merged'), 'overlay', 0, opts);
    } catch (err) {
      return `failed to mount overlay: ${(err as Error).message}: ${SKIP}`;
    }
    umount(path.join(tmp, 'merged'), MNT_DETACH);
    return undefined;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Every snapshotter containerd 1.7 registers on Linux, probed under the store root. */
export function probeSnapshotters(root: string, opts: { devmapperPool?: string } = {}): SnapshotterProbe[] {
  const sroot = (id: string): string => path.join(root, `io.containerd.snapshotter.v1.${id}`);
  const rootFs = filesystemOf(root);
  const out: SnapshotterProbe[] = [];
  const add = (id: string, implemented: boolean, error: string | undefined): void => {
    const status: ProbeStatus = error === undefined ? 'ok' : error.includes(SKIP) ? 'skip' : 'error';
    out.push({ id, root: sroot(id), status, implemented, ...(error !== undefined ? { error } : {}) });
  };
  add('aufs', false, kernelFilesystems().has('aufs') ? `aufs snapshotter: not implemented by berth: ${SKIP}` : `aufs is not supported: ${SKIP}`);
  add('btrfs', false, rootFs === 'btrfs'
    ? `btrfs snapshotter: not implemented by berth: ${SKIP}`
    : `path ${sroot('btrfs')} (${rootFs}) must be a btrfs filesystem to be used with the btrfs snapshotter: ${SKIP}`);
  // containerd says "devmapper not configured" without "skip plugin": ctr shows it as an error.
  add('devmapper', false, opts.devmapperPool ? `devmapper snapshotter: not implemented by berth: ${SKIP}` : 'devmapper not configured');
  add('native', true, undefined);
  add('overlayfs', true, overlayProblem(sroot('overlayfs')));
  add('zfs', false, rootFs === 'zfs'
    ? `zfs snapshotter: not implemented by berth: ${SKIP}`
    : `path ${sroot('zfs')} must be a zfs filesystem to be used with the zfs snapshotter: ${SKIP}`);
  return out;
}
