/** The calling thread's own credentials, through raw syscalls (glibc's wrappers change every thread's). */
import { call } from './libc';

const SYS = process.arch === 'arm64' ? { setresuid: 147, setresgid: 149 } : { setresuid: 117, setresgid: 119 };
const KEEP = -1;

/**
 * Runs `fn` with this thread's real uid and gid set to `uid`/`gid`, effective and saved ids (and so
 * the capabilities of a root process) untouched, then sets them back. For the calls whose
 * permission asks for matching real ids (prlimit(2) on another user's process without
 * CAP_SYS_RESOURCE).
 */
export function withRealIds<T>(uid: number, gid: number, fn: () => T): T {
  const ruid = call('unsigned int getuid(void)', 'getuid', undefined) as number;
  const rgid = call('unsigned int getgid(void)', 'getgid', undefined) as number;
  call('long syscall(long, long, long, long)', 'setresgid', `gid ${gid}`, SYS.setresgid, gid, KEEP, KEEP);
  try {
    call('long syscall(long, long, long, long)', 'setresuid', `uid ${uid}`, SYS.setresuid, uid, KEEP, KEEP);
    try {
      return fn();
    } finally {
      call('long syscall(long, long, long, long)', 'setresuid', `uid ${ruid}`, SYS.setresuid, ruid, KEEP, KEEP);
    }
  } finally {
    call('long syscall(long, long, long, long)', 'setresgid', `gid ${rgid}`, SYS.setresgid, rgid, KEEP, KEEP);
  }
}
