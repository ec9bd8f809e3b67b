/**
 * Files of a task directory (under --state, ephemeral: gone at reboot like containerd's /run)
 * are replaced atomically for their concurrent readers, but not fsynced: after a crash they
 * mean nothing anyway, and an fsync costs milliseconds on the start and exit paths.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function writeEphemeral(file: string, data: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, data, { mode: 0o644 });
  fs.renameSync(tmp, file);
}
