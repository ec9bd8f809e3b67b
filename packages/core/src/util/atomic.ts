/** Atomic file replacement: readers see the old or the new content, never half of either. */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface AtomicWriteOptions {
  mode?: number;
  /**
   * fsync before the rename (default true): the file must survive a power loss. False for
   * ephemeral state (the runtime's and the tasks' records, under /run: gone at reboot anyway, as
   * runc's state.json), where an fsync costs milliseconds on the create, start and exit paths.
   */
  durable?: boolean;
}

export function writeFileAtomic(file: string, data: string | Uint8Array, { mode = 0o644, durable = true }: AtomicWriteOptions = {}): void {
  // Unique: two writers of one file (two processes, or a retry after a crash) never share a temp file.
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'wx', mode);
    try {
      fs.writeFileSync(fd, data);
      if (durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
