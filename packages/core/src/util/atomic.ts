/** Atomic file replacement: readers see the old or the new content, never half of either. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeFile } from './remove';

export interface AtomicWriteOptions {
  mode?: number;
  /**
   * fsync before the rename (default true): the file must survive a power loss. False for
   * ephemeral state (the runtime's and the tasks' records, under /run: gone at reboot anyway, as
   * runc's state.json), where an fsync costs milliseconds on the create, start and exit paths.
   */
  durable?: boolean;
}

let sequence = 0;

export function writeFileAtomic(file: string, data: string | Uint8Array, { mode = 0o644, durable = true }: AtomicWriteOptions = {}): void {
  // Unique: two writers of one file (two processes, or a retry after a crash) never share a temp
  // file: the pid, the time and a counter, and 'wx' refuses a name taken all the same. (Not
  // crypto's random bytes: loading node:crypto is ~2 ms of a container's create.)
  const stem = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.`);
  let tmp = '';
  let fd: number | undefined;
  for (let attempt = 0; fd === undefined; attempt++) {
    tmp = `${stem}${process.hrtime.bigint().toString(36)}${(sequence++).toString(36)}.tmp`;
    try {
      fd = fs.openSync(tmp, 'wx', mode);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 8) throw err;
    }
  }
  try {
    try {
      fs.writeFileSync(fd, data);
      if (durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    removeFile(tmp);
    throw e;
  }
}
