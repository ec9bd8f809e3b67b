/**
 * Files of a task directory (under --state, ephemeral: gone at reboot like containerd's /run)
 * are replaced atomically for their concurrent readers, but not fsynced: after a crash they
 * mean nothing anyway, and an fsync costs milliseconds on the start and exit paths.
 */
import { writeFileAtomic } from '../util/atomic';

export function writeEphemeral(file: string, data: string): void {
  writeFileAtomic(file, data, { durable: false });
}
