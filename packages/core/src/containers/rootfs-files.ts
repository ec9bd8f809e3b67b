/**
 * Reads small files (/etc/passwd, /etc/group) from a container's root filesystem without
 * mounting it: a plain directory, or the layer directories of a snapshot, topmost first.
 * An overlay whiteout (a 0/0 character device) in a layer hides the lower layers' file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors';
import type { SnapshotMount } from '../snapshots/types';

export type RootfsReader = (file: string) => string | undefined;

/** Layer directories of a snapshot's mounts, topmost first. */
export function layerDirs(mounts: SnapshotMount[]): string[] {
  const dirs: string[] = [];
  for (const m of mounts) {
    if (m.type === 'bind' || m.type === 'rbind') {
      dirs.push(m.source);
      continue;
    }
    if (m.type !== 'overlay') throw new InvalidArgumentError(`snapshot mount of type ${m.type}: cannot read files from it`);
    const upper = m.options.find((o) => o.startsWith('upperdir='));
    if (upper) dirs.push(upper.slice('upperdir='.length));
    const lower = m.options.find((o) => o.startsWith('lowerdir='));
    if (lower) dirs.push(...lower.slice('lowerdir='.length).split(':'));
  }
  return dirs;
}

export function rootfsReader(dirs: string[]): RootfsReader {
  return (file) => {
    const rel = path.posix.normalize(`/${file}`).slice(1);
    for (const d of dirs) {
      let st: fs.Stats;
      try {
        st = fs.lstatSync(path.join(d, rel));
      } catch {
        continue;
      }
      if (st.isCharacterDevice() && st.rdev === 0) return undefined;
      // A symlink or other non-file (e.g. /etc/passwd -> elsewhere) is not followed out of the rootfs.
      if (!st.isFile()) return undefined;
      return fs.readFileSync(path.join(d, rel), 'utf8');
    }
    return undefined;
  };
}
