/** mount(2), umount2(2) and pivot_root(2). */
import { call } from './libc';

// The MS_* values are declared once, with the config.json option tables that use them.
export {
  MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_MOVE, MS_REC,
  MS_UNBINDABLE, MS_PRIVATE, MS_SLAVE, MS_SHARED,
} from '../oci/mount-options';
export const MNT_DETACH = 0x2;

export function mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null = null): void {
  call('int mount(const char *, const char *, const char *, unsigned long, const char *)', 'mount',
    `${source ?? 'none'} on ${target}${fstype ? ` (${fstype})` : ''}`, source, target, fstype, flags, data);
}

export function umount(target: string, flags = 0): void {
  call('int umount2(const char *, int)', 'umount2', target, target, flags);
}

const SYS_PIVOT_ROOT = 155; // x86_64

export function pivotRoot(newRoot: string, putOld: string): void {
  // glibc has no pivot_root wrapper: go through syscall(2).
  call('long syscall(long, const char *, const char *)', 'pivot_root', newRoot, SYS_PIVOT_ROOT, newRoot, putOld);
}

const SYS_MOUNT_SETATTR = 442; // x86_64, Linux 5.12
const AT_RECURSIVE = 0x8000;

/** mount_setattr(2) with AT_RECURSIVE: attributes ("rro", "rnosuid"...) over a whole mount tree. */
export function mountSetattrRecursive(target: string, set: number, clr: number): void {
  // struct mount_attr { u64 attr_set, attr_clr, propagation, userns_fd; }
  const attr = Buffer.alloc(32);
  attr.writeBigUInt64LE(BigInt(set >>> 0), 0);
  attr.writeBigUInt64LE(BigInt(clr >>> 0), 8);
  call('long syscall(long, int, const char *, unsigned int, void *, size_t)', 'mount_setattr', target,
    SYS_MOUNT_SETATTR, -100 /* AT_FDCWD */, target, AT_RECURSIVE, attr, attr.length);
}

export function chroot(dir: string): void {
  call('int chroot(const char *)', 'chroot', dir, dir);
}

export function chdir(dir: string): void {
  call('int chdir(const char *)', 'chdir', dir, dir);
}

/** Propagation-only change of a mount point (MS_SLAVE|MS_REC etc.). */
export function setPropagation(target: string, flags: number): void {
  mount(null, target, null, flags, null);
}

