/** Extended attributes on a path, never following a final symbolic link (the l*xattr calls). */
import { call, fn, koffi, errnoName } from './libc';
import { SysError } from '../errors';

/** lsetxattr(2): `value` is raw bytes (security.capability and friends are binary). */
export function lsetxattr(path: string, name: string, value: Uint8Array | string, flags = 0): void {
  const buf = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value);
  call('int lsetxattr(const char *, const char *, const void *, size_t, int)', 'lsetxattr',
    `${name} on ${path}`, path, name, buf, buf.length, flags);
}

/** lgetxattr(2); undefined when the attribute is not set (ENODATA). */
export function lgetxattr(path: string, name: string): Buffer | undefined {
  const f = fn('long lgetxattr(const char *, const char *, void *, size_t)');
  for (let size = 256; ; size *= 4) {
    const buf = Buffer.alloc(size);
    const n = Number(f(path, name, buf, size) as number | bigint);
    if (n >= 0) return buf.subarray(0, n);
    const e = errnoName(koffi().errno());
    if (e === 'ENODATA') return undefined;
    if (e === 'ERANGE' && size < 1 << 20) continue;
    throw new SysError('lgetxattr', e, `${name} on ${path}`);
  }
}

/** llistxattr(2): the attribute names of a path. */
export function llistxattr(path: string): string[] {
  const f = fn('long llistxattr(const char *, void *, size_t)');
  for (let size = 1024; ; size *= 4) {
    const buf = Buffer.alloc(size);
    const n = Number(f(path, buf, size) as number | bigint);
    if (n >= 0) return buf.subarray(0, n).toString('latin1').split('\0').filter((s) => s.length > 0);
    const e = errnoName(koffi().errno());
    if (e === 'ERANGE' && size < 1 << 20) continue;
    throw new SysError('llistxattr', e, path);
  }
}
