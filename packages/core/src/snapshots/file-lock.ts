/**
 * An exclusive flock(2) on a lock file for a read-modify-write. The kernel drops it when the
 * process dies, so a killed CLI never leaves a stale lock.
 */
import * as fs from 'node:fs';
import { call } from '../sys/libc';

const LOCK_SH = 1;
const LOCK_EX = 2;

// TODO(lead): flock belongs in core/src/sys (e.g. sys/flock.ts); kept here as this task owns no such file.
export function withFileLock<T>(lockPath: string, exclusive: boolean, fn: () => T): T {
  // Node opens every fd close-on-exec already.
  const fd = fs.openSync(lockPath, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  try {
    call('int flock(int, int)', 'flock', lockPath, fd, exclusive ? LOCK_EX : LOCK_SH);
    return fn();
  } finally {
    fs.closeSync(fd); // closing the only fd releases the lock
  }
}
