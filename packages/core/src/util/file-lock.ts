/**
 * flock(2) on a lock file (made 0600 if missing): the kernel drops the lock when the process dies,
 * so a killed CLI never leaves a stale one. Node opens every fd close-on-exec, so no child holds it.
 */
import * as fs from 'node:fs';
import { flock, tryFlock } from '../sys/flock';

/** Takes the lock (waiting for it) and returns its release. */
export function lockFile(file: string, exclusive = true): () => void {
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  try {
    flock(fd, exclusive, file);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return () => fs.closeSync(fd); // closing the only fd releases the lock
}

/** The lock if nobody holds it (its release), else undefined: no waiting. */
export function tryLockFile(file: string): (() => void) | undefined {
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  try {
    if (!tryFlock(fd, true, file)) {
      fs.closeSync(fd);
      return undefined;
    }
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return () => fs.closeSync(fd);
}

export function withFileLock<T>(file: string, exclusive: boolean, fn: () => T): T {
  const release = lockFile(file, exclusive);
  try {
    return fn();
  } finally {
    release();
  }
}
