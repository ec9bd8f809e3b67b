/** flock(2): advisory whole-file locks; the kernel drops them when the process dies. */
import { call } from './libc';

const LOCK_SH = 1;
const LOCK_EX = 2;

export function flock(fd: number, exclusive: boolean, what: string): void {
  call('int flock(int, int)', 'flock', what, fd, exclusive ? LOCK_EX : LOCK_SH);
}
