/**
 * Resolves a path inside a root as if the root were `/`: symlinks are followed but never lead
 * out of it, and `..` stops at the root. Mount destinations from config.json and links inside
 * a (possibly hostile) rootfs both go through this before anything is created or mounted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors';

const MAX_LINKS = 255;

export function secureJoin(root: string, unsafe: string): string {
  const parts = unsafe.split('/').filter((p) => p !== '' && p !== '.');
  const resolved: string[] = [];
  let links = 0;
  while (parts.length > 0) {
    const part = parts.shift() as string;
    if (part === '..') { resolved.pop(); continue; }
    const candidate = path.join(root, ...resolved, part);
    // A missing component is no error here (the caller creates it): no exception thrown for it.
    let st: fs.Stats | undefined;
    try { st = fs.lstatSync(candidate, { throwIfNoEntry: false }); } catch { st = undefined; }
    if (st?.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw new InvalidArgumentError(`${unsafe}: too many levels of symbolic links`);
      const target = fs.readlinkSync(candidate);
      if (target.startsWith('/')) resolved.length = 0;
      parts.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
      continue;
    }
    resolved.push(part);
  }
  return path.join(root, ...resolved);
}

/**
 * Like secureJoin, but the last component is not followed: for creating, replacing or removing
 * the entry itself (a symlink is then the entry, not where it points).
 */
export function secureJoinEntry(root: string, unsafe: string): string {
  const base = path.posix.basename(path.posix.normalize(`/${unsafe}`));
  return path.join(secureJoin(root, path.posix.dirname(path.posix.normalize(`/${unsafe}`))), base);
}
