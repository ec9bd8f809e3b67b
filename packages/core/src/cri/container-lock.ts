/**
 * One start or remove of a CRI container at a time. Without a daemon to serialise them (containerd
 * keeps Starting and Removing flags in memory), a `crictl rm` could delete a container's record
 * and snapshot while a `crictl start` was running its task: a task without a container. Both hold
 * this flock on the container while they work; the kernel drops it with the process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { criContainerStatePaths } from '../layout';
import { lockFile } from '../util/file-lock';
import { makeDirs } from '../util/make-dirs';

/** Takes the container's lock (waiting for a start or remove under way); returns its release. */
export function lockCriContainer(state: string, id: string): () => void {
  const file = criContainerStatePaths(state, id).lock;
  makeDirs(path.dirname(file), 0o700);
  return lockFile(file);
}

/** Removes the lock file of a container removed (its holder keeps the lock until it releases). */
export function removeCriContainerLock(state: string, id: string): void {
  fs.rmSync(criContainerStatePaths(state, id).lock, { force: true });
}
