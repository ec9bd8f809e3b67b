/**
 * Path hygiene for linux.cgroupsPath, as runc's utils.CleanPath: a relative path can never
 * climb out of where it is joined ("../../x" becomes "x"); an absolute one is cleaned.
 */
import * as path from 'node:path';

export function cleanPath(p: string): string {
  if (p === '') return '';
  let c = path.posix.normalize(p);
  if (!path.posix.isAbsolute(c)) {
    // Rooting it first drops every leading "..", then it is made relative again.
    c = path.posix.relative('/', path.posix.normalize('/' + c)) || '.';
  }
  return c.length > 1 && c.endsWith('/') ? c.slice(0, -1) : c;
}
