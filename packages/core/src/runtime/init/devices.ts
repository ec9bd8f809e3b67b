/** /dev inside the container: default and spec devices, the standard symlinks, /dev/ptmx. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LinuxDevice } from '../../oci/types';
import { makedev, mknod, S_IFBLK, S_IFCHR, S_IFIFO } from '../../sys/file';
import { MS_BIND, mount } from '../../sys/mount';
import { secureJoinEntry } from './securejoin';
import { SysError } from '../../errors';
import { makeDirs } from '../../util/make-dirs';

/** The devices every container gets (the runtime-spec's default devices). */
export const DEFAULT_DEVICES: LinuxDevice[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/zero', type: 'c', major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/full', type: 'c', major: 1, minor: 7, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/random', type: 'c', major: 1, minor: 8, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/urandom', type: 'c', major: 1, minor: 9, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/tty', type: 'c', major: 5, minor: 0, fileMode: 0o666, uid: 0, gid: 0 },
];

export function createDevices(rootfs: string, specDevices: LinuxDevice[], bindFromHost: boolean): void {
  const seen = new Set<string>();
  // Per directory (all in /dev, usually): made once, and whether a node made there is owned by
  // us as made (no setgid bit handing it the directory's group).
  const dirs = new Map<string, boolean>();
  const ownedAsMade = (dir: string): boolean => {
    let plain = dirs.get(dir);
    if (plain === undefined) {
      makeDirs(dir, 0o755);
      plain = (fs.statSync(dir).mode & 0o2000) === 0;
      dirs.set(dir, plain);
    }
    return plain;
  };
  const euid = process.geteuid?.() ?? 0;
  const egid = process.getegid?.() ?? 0;
  for (const dev of [...specDevices, ...DEFAULT_DEVICES]) {
    if (seen.has(dev.path)) continue; // spec devices override defaults with the same path
    seen.add(dev.path);
    const dest = secureJoinEntry(rootfs, dev.path);
    const plainDir = ownedAsMade(path.dirname(dest));
    if (bindFromHost) {
      // In a user namespace mknod is not allowed: bind the host's node instead (as runc does).
      if (!fs.existsSync(dest)) fs.writeFileSync(dest, '', { mode: 0o644 });
      mount(dev.path, dest, 'bind', MS_BIND);
      continue;
    }
    const typeBits = dev.type === 'b' ? S_IFBLK : dev.type === 'p' ? S_IFIFO : S_IFCHR;
    const mode = typeBits | ((dev.fileMode ?? 0o666) & 0o7777);
    const rdev = dev.type === 'p' ? 0n : makedev(dev.major ?? 0, dev.minor ?? 0);
    // What is there already is kept, as runc keeps it: the path may be a file of the bundle's own
    // rootfs (replacing it turned the bundle's /bin/busybox into a device node for good).
    try {
      mknod(dest, mode, rdev);
    } catch (err) {
      if (!(err instanceof SysError) || err.errno !== 'EEXIST') throw err;
      continue;
    }
    // mknod is subject to the umask (or a default ACL of the directory).
    fs.chmodSync(dest, mode & 0o7777);
    const uid = dev.uid ?? 0;
    const gid = dev.gid ?? 0;
    if (uid !== euid || gid !== egid || !plainDir) fs.chownSync(dest, uid, gid);
  }
}

export function createDevSymlinks(rootfs: string): void {
  const links: [string, string][] = [
    ['/proc/self/fd', '/dev/fd'],
    ['/proc/self/fd/0', '/dev/stdin'],
    ['/proc/self/fd/1', '/dev/stdout'],
    ['/proc/self/fd/2', '/dev/stderr'],
  ];
  if (fs.existsSync('/proc/kcore')) links.push(['/proc/kcore', '/dev/core']);
  for (const [target, link] of links) {
    // Resolved inside the rootfs: an image whose /dev is a symlink must not reach the host.
    const dest = secureJoinEntry(rootfs, link);
    try { fs.symlinkSync(target, dest); } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** /dev/ptmx must be the ptmx of the container's own devpts instance. */
export function setupPtmx(rootfs: string): void {
  const ptmx = secureJoinEntry(rootfs, '/dev/ptmx');
  // Usually absent (a fresh /dev): replaced only when there (fs.rmSync's first call loads Node's rimraf).
  try {
    fs.symlinkSync('pts/ptmx', ptmx);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    fs.unlinkSync(ptmx);
    fs.symlinkSync('pts/ptmx', ptmx);
  }
}
