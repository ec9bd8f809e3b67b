/** Small file helpers of the content store (fsync of folders, tolerant reads). */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function isErrno(e: unknown, code: string): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === code;
}

/** The text of a file, or undefined when it does not exist. */
export function readOptional(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    throw e;
  }
}

/** Makes a rename or unlink in `dir` durable. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Removes a folder so that no one can see or reuse it half-removed: it is first renamed to a
 * hidden unique name next to it (atomic), then deleted.
 */
export function removeDirAtomic(dir: string): void {
  const trash = path.join(path.dirname(dir), `.trash-${path.basename(dir)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    fs.renameSync(dir, trash);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return;
    throw e;
  }
  fs.rmSync(trash, { recursive: true, force: true });
}
