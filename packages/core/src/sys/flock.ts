/** flock(2): advisory whole-file locks; the kernel drops them when the process dies. */
import { call } from './libc';

const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;

export function flock(fd: number, exclusive: boolean, what: string): void {
  call('int flock(int, int)', 'flock', what, fd, exclusive ? LOCK_EX : LOCK_SH);
}

/** flock without waiting: false when another holds the lock. */
export function tryFlock(fd: number, exclusive: boolean, what: string): boolean {
  try {
    call('int flock(int, int)', 'flock', what, fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB);
    return true;
  } catch (err) {
    if ((err as { errno?: string }).errno === 'EWOULDBLOCK' || (err as { errno?: string }).errno === 'EAGAIN') return false;
    throw err;
  }
}
