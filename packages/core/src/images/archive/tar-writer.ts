/**
 * A minimal ustar writer for OCI layout archives: directories and regular files owned by 0:0
 * with mtime 0 (as containerd's exporter writes them, so two exports of one image are equal).
 * Sizes past ustar's 8 GiB use the GNU base-256 form every reader here understands.
 */
import { InvalidArgumentError } from '../../errors';

const BLOCK = 512;

function octal(b: Buffer, off: number, len: number, v: number): void {
  const s = v.toString(8);
  if (s.length > len - 1) {
    // base-256: high bit set, big-endian value in the rest of the field
    let x = BigInt(v);
    for (let i = off + len - 1; i > off; i--) { b[i] = Number(x & 0xffn); x >>= 8n; }
    b[off] = 0x80;
    return;
  }
  b.write(s.padStart(len - 1, '0'), off, len - 1, 'latin1');
  b[off + len - 1] = 0;
}

/** One header block for `name` (ustar's name/prefix split for names up to 255 bytes). */
export function tarHeader(name: string, kind: 'file' | 'dir', mode: number, size: number): Buffer {
  const b = Buffer.alloc(BLOCK);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new InvalidArgumentError(`tar member name ${JSON.stringify(name)} is too long`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  b.write(base, 0, 100, 'utf8');
  octal(b, 100, 8, mode);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, kind === 'file' ? size : 0);
  octal(b, 136, 12, 0);
  b.fill(0x20, 148, 156);
  b[156] = (kind === 'file' ? '0' : '5').charCodeAt(0);
  b.write('ustar\u000000', 257, 8, 'latin1');
  octal(b, 329, 8, 0);
  octal(b, 337, 8, 0);
  b.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i] ?? 0;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return b;
}

export class TarWriter {
  /** Header of a directory member. */
  dir(name: string, mode = 0o755): Buffer {
    return tarHeader(name.endsWith('/') ? name : `${name}/`, 'dir', mode, 0);
  }

  /** Header of a file member; its `size` bytes follow, then `padding(size)`. */
  file(name: string, size: number, mode = 0o644): Buffer {
    return tarHeader(name, 'file', mode, size);
  }

  padding(size: number): Buffer {
    return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
  }

  /** The two zero blocks that end an archive. */
  end(): Buffer {
    return Buffer.alloc(2 * BLOCK);
  }
}
