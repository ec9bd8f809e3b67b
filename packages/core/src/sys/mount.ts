/** mount(2), umount2(2) and pivot_root(2). */
import { call } from './libc';

export const MS_RDONLY = 0x1;
export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
export const MS_REMOUNT = 0x20;
export const MS_BIND = 0x1000;
export const MS_MOVE = 0x2000;
export const MS_REC = 0x4000;
export const MS_UNBINDABLE = 0x20000;
export const MS_PRIVATE = 0x40000;
export const MS_SLAVE = 0x80000;
export const MS_SHARED = 0x100000;
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

