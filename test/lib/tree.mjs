// Directory trees as plain objects, to compare two unpacked layers with assert.deepEqual: each
// test says what of an entry it compares, the walk is the same.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every entry below `dir`, depth first in name order, as { [path relative to dir]:
 * describe(absolutePath, lstat, relativePath) }.
 */
export function walkTree(dir, describe) {
  const out = {};
  const walk = (rel) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const p = join(dir, r);
      const st = lstatSync(p);
      out[r] = describe(p, st, r);
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

/**
 * A hard-link group namer for one walk: (lstat, relativePath) => the first path seen of that
 * inode, so two trees compare by equal groups, not equal inode numbers.
 */
export function linkGroups() {
  const first = new Map();
  return (st, r) => {
    if (!first.has(st.ino)) first.set(st.ino, r);
    return first.get(st.ino);
  };
}

/** The sha256 (hex) of a file's content. */
export const fileSha = (p) => createHash('sha256').update(readFileSync(p)).digest('hex');
