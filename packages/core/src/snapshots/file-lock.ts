/**
 * An exclusive flock(2) on a lock file for a read-modify-write. The kernel drops it when the
 * process dies, so a killed CLI never leaves a stale lock.
 */
import * as fs from 'node:fs';
import { flock } from '../sys/flock';

export function withFileLock<T>(lockPath: string, exclusive: boolean, fn: () => T): T {
  // Node opens every fd close-on-exec already.
  const fd = fs.openSync(lockPath, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  try {
    flock(fd, exclusive, lockPath);
    return fn();
  } finally {
    fs.closeSync(fd); // closing the only fd releases the lock
  }
}
