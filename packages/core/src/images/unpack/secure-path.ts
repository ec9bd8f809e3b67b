/**
 * Resolving a layer's names inside the target without ever following a symbolic link: every
 * parent is lstat'ed and must be a real directory; the final component is never followed
 * (callers replace it, or use l*-calls on it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors';

/** Thrown for an entry that would reach outside the target; names the entry. */
export class UnsafeEntryError extends InvalidArgumentError {}

/** The components of a member name; absolute names and ".." are refused. "" means the root itself. */
export function nameComponents(name: string, entry: string, what = 'name'): string[] {
  if (name.startsWith('/')) throw new UnsafeEntryError(`layer entry ${JSON.stringify(entry)}: absolute ${what} ${JSON.stringify(name)} refused`);
  const out: string[] = [];
  for (const c of name.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') throw new UnsafeEntryError(`layer entry ${JSON.stringify(entry)}: ${what} ${JSON.stringify(name)} contains ".." and is refused`);
    out.push(c);
  }
  return out;
}

export function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The host path of `comps` under `root`. Missing parents are created (mode 0755, owned by
 * root, reported through `created`); a parent that is a symlink or not a directory refuses
 * the entry. `known` holds paths already found to be real directories: they are not lstat'ed
 * again, and the ones checked here are added (the caller must clear it when it removes
 * anything that could be one of them).
 */
export function resolveInside(root: string, comps: string[], entry: string, created?: (p: string) => void, known?: Set<string>): string {
  let cur = root;
  for (let i = 0; i < comps.length - 1; i++) {
    cur = path.join(cur, comps[i] as string);
    if (known?.has(cur)) continue;
    const st = lstatOrUndefined(cur);
    if (!st) {
      fs.mkdirSync(cur, { mode: 0o755 });
      created?.(cur);
    } else if (st.isSymbolicLink()) {
      throw new UnsafeEntryError(`layer entry ${JSON.stringify(entry)}: parent ${JSON.stringify(comps.slice(0, i + 1).join('/'))} is a symbolic link; refused (it could lead outside the target)`);
    } else if (!st.isDirectory()) {
      throw new UnsafeEntryError(`layer entry ${JSON.stringify(entry)}: parent ${JSON.stringify(comps.slice(0, i + 1).join('/'))} is not a directory`);
    }
    known?.add(cur);
  }
  return comps.length === 0 ? root : path.join(cur, comps[comps.length - 1] as string);
}

/** Like resolveInside but for a path that must already exist: nothing is created. */
export function resolveExisting(root: string, comps: string[], entry: string): string | undefined {
  let cur = root;
  for (let i = 0; i < comps.length - 1; i++) {
    cur = path.join(cur, comps[i] as string);
    const st = lstatOrUndefined(cur);
    if (!st) return undefined;
    if (st.isSymbolicLink()) throw new UnsafeEntryError(`layer entry ${JSON.stringify(entry)}: parent ${JSON.stringify(comps.slice(0, i + 1).join('/'))} is a symbolic link; refused`);
    if (!st.isDirectory()) return undefined;
  }
  return comps.length === 0 ? root : path.join(cur, comps[comps.length - 1] as string);
}
