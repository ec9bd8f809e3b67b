/**
 * Our own tar header parser (ustar, GNU long names, PAX): we must see every field of every
 * entry, hostile ones included, before anything touches the disk.
 */
import { InvalidArgumentError } from '../../errors';

export const BLOCK = 512;

export type EntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

/** One archive member after PAX / GNU extension headers were folded into it. */
export interface TarEntry {
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch, fractional when PAX gave nanoseconds. */
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** SCHILY.xattr.* records: name → raw value. */
  xattrs: Map<string, Buffer>;
}

/** Raw header: the typeflag decides whether it is an entry or an extension record. */
export interface RawHeader {
  typeflag: string;
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
}

function cstr(b: Buffer, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const z = s.indexOf(0);
  return (z < 0 ? s : s.subarray(0, z)).toString('utf8');
}

/** Octal (space/NUL padded) or GNU base-256 when the high bit of the first byte is set. */
function num(b: Buffer, off: number, len: number, field: string): number {
  const s = b.subarray(off, off + len);
  if (s[0] !== undefined && (s[0] & 0x80) !== 0) {
    if ((s[0] & 0x40) !== 0) throw new InvalidArgumentError(`tar header: negative base-256 ${field}`);
    let v = BigInt(s[0] & 0x3f);
    for (let i = 1; i < s.length; i++) v = (v << 8n) | BigInt(s[i] ?? 0);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidArgumentError(`tar header: ${field} too large`);
    return Number(v);
  }
  const t = s.toString('latin1').replace(/[\0 ]+$/g, '').replace(/^ +/, '');
  if (t === '') return 0;
  if (!/^[0-7]+$/.test(t)) throw new InvalidArgumentError(`tar header: ${field} is not an octal number (${JSON.stringify(t)})`);
  return parseInt(t, 8);
}

export function isZeroBlock(b: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

/** Parses one 512-byte header, verifying its checksum. */
export function parseHeader(b: Buffer, offset: number): RawHeader {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (b[i] ?? 0);
  const want = num(b, 148, 8, 'checksum');
  if (sum !== want) throw new InvalidArgumentError(`tar header at offset ${offset}: checksum mismatch (not a tar stream or corrupt)`);
  const magic = b.subarray(257, 262).toString('latin1');
  let name = cstr(b, 0, 100);
  if (magic === 'ustar') {
    const prefix = cstr(b, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  const tf = b[156] ?? 0;
  return {
    typeflag: tf === 0 ? '0' : String.fromCharCode(tf),
    name,
    mode: num(b, 100, 8, 'mode'),
    uid: num(b, 108, 8, 'uid'),
    gid: num(b, 116, 8, 'gid'),
    size: num(b, 124, 12, 'size'),
    mtime: num(b, 136, 12, 'mtime'),
    linkname: cstr(b, 157, 100),
    devmajor: num(b, 329, 8, 'devmajor'),
    devminor: num(b, 337, 8, 'devminor'),
  };
}

/** PAX records "<len> <key>=<value>\n"; values stay raw bytes (xattrs may be binary). */
export function parsePax(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let i = 0;
  while (i < data.length) {
    if (data[i] === 0) break;
    const sp = data.indexOf(0x20, i);
    if (sp < 0) throw new InvalidArgumentError('tar PAX header: record without length');
    const len = Number(data.subarray(i, sp).toString('latin1'));
    if (!Number.isInteger(len) || len <= sp - i || i + len > data.length) throw new InvalidArgumentError('tar PAX header: bad record length');
    const rec = data.subarray(sp + 1, i + len - 1); // drop the trailing newline
    const eq = rec.indexOf(0x3d);
    if (eq < 0) throw new InvalidArgumentError('tar PAX header: record without "="');
    out.set(rec.subarray(0, eq).toString('utf8'), Buffer.from(rec.subarray(eq + 1)));
    i += len;
  }
  return out;
}

const TYPES: Record<string, EntryType> = {
  '0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '3': 'char', '4': 'block', '5': 'dir', '6': 'fifo',
};

/** Folds extension records (global PAX, then local PAX, GNU L/K) into an entry. */
export function makeEntry(h: RawHeader, pax: Map<string, Buffer>, longName?: string, longLink?: string): TarEntry {
  const type = TYPES[h.typeflag];
  const shown = longName ?? h.name;
  if (!type) throw new InvalidArgumentError(`layer entry ${JSON.stringify(shown)}: unsupported tar entry type ${JSON.stringify(h.typeflag)}`);
  const e: TarEntry = {
    name: longName ?? h.name, type, mode: h.mode, uid: h.uid, gid: h.gid, size: type === 'file' ? h.size : 0,
    mtime: h.mtime, linkname: longLink ?? h.linkname, devmajor: h.devmajor, devminor: h.devminor, xattrs: new Map(),
  };
  for (const [k, v] of pax) {
    const s = (): string => v.toString('utf8');
    const int = (): number => {
      const n = Number(s());
      if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`layer entry ${JSON.stringify(e.name)}: bad PAX ${k} ${JSON.stringify(s())}`);
      return n;
    };
    if (k === 'path') e.name = s();
    else if (k === 'linkpath') e.linkname = s();
    else if (k === 'uid') e.uid = int();
    else if (k === 'gid') e.gid = int();
    else if (k === 'size') { if (type === 'file') e.size = int(); }
    else if (k === 'mtime') {
      const m = Number(s());
      if (!Number.isFinite(m)) throw new InvalidArgumentError(`layer entry ${JSON.stringify(e.name)}: bad PAX mtime`);
      e.mtime = m;
    } else if (k.startsWith('SCHILY.xattr.')) e.xattrs.set(k.slice('SCHILY.xattr.'.length), v);
  }
  if (e.name.includes('\0') || e.linkname.includes('\0')) throw new InvalidArgumentError(`layer entry ${JSON.stringify(e.name)}: NUL byte in a name`);
  return e;
}
