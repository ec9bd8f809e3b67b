/**
 * Small files (records, /proc and cgroup files), read often: `tasks ls` and `list` read several
 * per container. UTF-8 text comes from readFileSync(file, 'utf8'), which Node (20.8+) serves in
 * one native call (open, read, close without a JS round trip each): ~35% less than the three
 * calls below on a cold `list` of 100. Other encodings: one open, one read and one close into a
 * shared buffer (readFileSync's generic path also stats the file and allocates a buffer per call).
 */
import * as fs from 'node:fs';

/** Records (state.json ~4 KiB) and /proc files fit; allocated on first use (every shim reads a few). */
let buf: Buffer | undefined;
const SIZE = 16 * 1024;

/** The file's text, or undefined when it does not exist (other errors are thrown). */
export function readSmallFile(file: string, encoding: BufferEncoding = 'utf8'): string | undefined {
  if (encoding === 'utf8') {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    buf ??= Buffer.allocUnsafe(SIZE);
    const n = fs.readSync(fd, buf, 0, SIZE, null);
    if (n < SIZE) return buf.toString(encoding, 0, n);
    // Larger than the buffer (a record with a huge config): the rest from where the read stopped,
    // decoded with the head as one (a character may straddle the boundary).
    return Buffer.concat([buf.subarray(0, n), fs.readFileSync(fd)]).toString(encoding);
  } finally {
    fs.closeSync(fd);
  }
}
