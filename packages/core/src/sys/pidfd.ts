/**
 * pidfds (Linux 5.6+): a process named by a file descriptor rather than by a pid that may be reused,
 * and a file taken out of another process (pidfd_getfd), which needs ptrace rights over it.
 */
import { call } from './libc';

// The generic syscall table's numbers, the same on x86_64 and aarch64.
const SYS_PIDFD_OPEN = 434;
const SYS_PIDFD_GETFD = 438;

/** A pidfd of `pid`: readable once the process has exited. Close-on-exec, as every pidfd. */
export function pidfdOpen(pid: number): number {
  return call('long syscall(long, int, unsigned int)', 'pidfd_open', `pid ${pid}`, SYS_PIDFD_OPEN, pid, 0);
}

/** A copy of the process's fd `target` in this process (close-on-exec). */
export function pidfdGetfd(pidfd: number, target: number): number {
  return call('long syscall(long, int, int, unsigned int)', 'pidfd_getfd', `fd ${target}`, SYS_PIDFD_GETFD, pidfd, target, 0);
}
