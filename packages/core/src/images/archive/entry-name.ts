/**
 * Names of members of an image archive. They are looked up as names only (nothing is ever
 * created from them on disk), but a hostile name is refused rather than guessed at: absolute
 * paths and ".." are errors, "./" prefixes and duplicate slashes are cleaned away.
 */
import { InvalidArgumentError } from '../../errors';

/** The cleaned name (`./blobs//sha256/x` → `blobs/sha256/x`); throws for absolute names and "..". */
export function cleanEntryName(name: string, what = 'name'): string {
  if (name.startsWith('/')) throw new InvalidArgumentError(`absolute ${what} ${JSON.stringify(name)} refused`);
  const parts: string[] = [];
  for (const c of name.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') throw new InvalidArgumentError(`${what} ${JSON.stringify(name)} contains ".." and is refused`);
    parts.push(c);
  }
  return parts.join('/');
}

/** Where a relative symlink `linkname` in member `name` points, as a member name; refuses escapes. */
export function symlinkTarget(name: string, linkname: string): string {
  if (linkname.startsWith('/')) throw new InvalidArgumentError(`symlink to absolute path ${JSON.stringify(linkname)} refused`);
  const parts = name.split('/').slice(0, -1);
  for (const c of linkname.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (parts.length === 0) throw new InvalidArgumentError(`symlink to ${JSON.stringify(linkname)} points outside the archive`);
      parts.pop();
    } else {
      parts.push(c);
    }
  }
  if (parts.length === 0) throw new InvalidArgumentError(`symlink to ${JSON.stringify(linkname)} points at the archive's root`);
  return parts.join('/');
}

const BLOB = /^blobs\/([^/]+)\/([^/]+)$/;

/** The digest an OCI layout member `blobs/<alg>/<hex>` names; undefined for other members. */
export function blobDigestOf(name: string): string | undefined {
  const m = BLOB.exec(name);
  if (!m) return undefined;
  const [, alg, hex] = m as unknown as [string, string, string];
  if (alg !== 'sha256') throw new InvalidArgumentError(`digest algorithm ${JSON.stringify(alg)} is not supported (only sha256)`);
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new InvalidArgumentError(`blob name is not a sha256 digest (64 lowercase hex characters)`);
  return `sha256:${hex}`;
}
