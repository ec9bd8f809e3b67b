/** The store-wide lock between pulls and garbage collection (layout.ts gcLockPath). */
import * as path from 'node:path';
import { gcLockPath } from '../layout';
import { lockFile } from '../util/file-lock';
import { makeRootDirs } from '../util/root-dirs';

/** Takes the lock and returns its release; the kernel drops it if the process dies. */
export function takeGcLock(root: string, exclusive: boolean): () => void {
  const file = gcLockPath(root);
  makeRootDirs(root, path.dirname(file));
  return lockFile(file, exclusive);
}

export function withGcLock<T>(root: string, fn: () => T): T {
  const release = takeGcLock(root, true);
  try {
    return fn();
  } finally {
    release();
  }
}

/**
 * Runs `fn` holding the lock shared: what every writer of blobs or snapshots does (pull, fetch,
 * push, import), so no collection runs between storing an object and recording its reference.
 */
export async function withSharedGcLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const release = takeGcLock(root, false);
  try {
    return await fn();
  } finally {
    release();
  }
}
