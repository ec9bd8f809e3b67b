/** File-level calls Node's fs does not offer: mknod, mkfifo, O_PATH opens, fd flags, close_range, memfd. */
import { call, fn } from './libc';

export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFIFO = 0o010000;
export const O_PATH = 0o10000000;
export const O_CLOEXEC = 0o2000000;
const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;
const F_DUPFD_CLOEXEC = 1030;
const CLOSE_RANGE_CLOEXEC = 4;

export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

export function mknod(path: string, mode: number, dev: bigint): void {
  call('int mknod(const char *, uint32_t, uint64_t)', 'mknod', path, path, mode, dev);
}

export function mkfifo(path: string, mode: number): void {
  call('int mkfifo(const char *, uint32_t)', 'mkfifo', path, path, mode);
}

/** open(2) with raw flags (Node's fs rejects some, e.g. O_PATH on older versions). */
export function openRaw(path: string, flags: number, mode = 0): number {
  return call('int open(const char *, int, uint32_t)', 'open', path, path, flags, mode);
}

export function closeFd(fd: number): void {
  call('int close(int)', 'close', undefined, fd);
}

/** Puts the open file `from` at `to` (close-on-exec as asked) and closes `from`; nothing when they are one. */
export function moveFd(from: number, to: number, cloexec: boolean): void {
  if (from !== to) {
    call('int dup2(int, int)', 'dup2', `${from} onto ${to}`, from, to);
    closeFd(from);
  }
  setCloexec(to, cloexec);
}

/** A close-on-exec copy of `fd` at the lowest free number from 3 up (F_DUPFD_CLOEXEC). */
export function dupFd(fd: number): number {
  return call('int fcntl(int, int, int)', 'fcntl', `F_DUPFD_CLOEXEC ${fd}`, fd, F_DUPFD_CLOEXEC, 3);
}

/** Whether `fd` is an open file descriptor of this process. */
export function fdOpen(fd: number): boolean {
  return fn('int fcntl(int, int, int)')(fd, F_GETFD, 0) !== -1;
}

export function setCloexec(fd: number, on: boolean): void {
  const cur = call('int fcntl(int, int, int)', 'fcntl', `F_GETFD ${fd}`, fd, F_GETFD, 0);
  const next = on ? cur | FD_CLOEXEC : cur & ~FD_CLOEXEC;
  call('int fcntl(int, int, int)', 'fcntl', `F_SETFD ${fd}`, fd, F_SETFD, next);
}

/** Marks every fd from `first` upwards close-on-exec (Node's own fds must not leak into the container). */
export function cloexecFrom(first: number): void {
  call('int close_range(unsigned int, unsigned int, int)', 'close_range', undefined, first, 0xffffffff, CLOSE_RANGE_CLOEXEC);
}

/**
 * The mount flags (ST_* = MS_* bits: nosuid 2, nodev 4, noexec 8, rdonly 1 …) of the filesystem
 * holding `path`, from statfs(2). struct statfs is the generic 64-bit layout (x86_64, arm64):
 * f_flags is the eleventh 8-byte word.
 */
export function statfsFlags(path: string): number {
  const buf = Buffer.alloc(120);
  call('int statfs(const char *, void *)', 'statfs', path, path, buf);
  return Number(buf.readBigInt64LE(80));
}

const FIONREAD = 0x541b;

/** Bytes waiting to be read on a socket or pipe (ioctl FIONREAD): 0 when nothing was written yet. */
export function bytesWaiting(fd: number): number {
  const n = Buffer.alloc(4);
  call('int ioctl(int, unsigned long, void *)', 'ioctl', `FIONREAD ${fd}`, fd, FIONREAD, n);
  return n.readInt32LE(0);
}

const POLLIN = 1;

/** Waits up to `ms` for `fd` to be readable (for a listening socket: a connection waits); poll(2). */
export function waitReadable(fd: number, ms: number): boolean {
  const pfd = Buffer.alloc(8); // struct pollfd { int fd; short events; short revents; }
  pfd.writeInt32LE(fd, 0);
  pfd.writeInt16LE(POLLIN, 4);
  return call('int poll(void *, unsigned long, int)', 'poll', `fd ${fd}`, pfd, 1, ms) > 0;
}

const MFD_CLOEXEC = 1;
const MFD_ALLOW_SEALING = 2;
const F_ADD_SEALS = 1033;
const F_SEAL_SHRINK = 2;
const F_SEAL_GROW = 4;
const SEEK_CUR = 1;

/**
 * An anonymous file (memfd_create(2), close-on-exec) for a child's stdio: no pipe to drain while
 * it runs, its output read once it has exited. `limit`: the file is sized to it and sealed, so
 * writes past it fail (EPERM) instead of growing it; what was written is then `writtenLength`.
 */
export function memFile(name: string, limit?: number): number {
  const fd = call('int memfd_create(const char *, unsigned int)', 'memfd_create', name, name, MFD_CLOEXEC | (limit === undefined ? 0 : MFD_ALLOW_SEALING));
  if (limit !== undefined) {
    try {
      call('int ftruncate(int, int64_t)', 'ftruncate', name, fd, limit);
      call('int fcntl(int, int, int)', 'fcntl', `F_ADD_SEALS ${name}`, fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW);
    } catch (err) {
      closeFd(fd);
      throw err;
    }
  }
  return fd;
}

/** The offset of `fd`'s open file, shared with the child it was handed to: how much it wrote there. */
export function writtenLength(fd: number): number {
  return Number(call('int64_t lseek(int, int64_t, int)', 'lseek', `fd ${fd}`, fd, 0, SEEK_CUR));
}
