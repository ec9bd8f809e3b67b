/**
 * Small files (records, /proc and cgroup files) in one open, one read and one close into a shared
 * buffer. readFileSync also stats the file, allocates a buffer per call and, on /proc and cgroup
 * files (size 0 or 4096), reads more than once: about twice the syscalls, and `tasks ls` and
 * `list` read several such files per container.
 */
import * as fs from 'node:fs';

/** Records (state.json ~4 KiB) and /proc files fit; allocated on first use (every shim reads a few). */
let buf: Buffer | undefined;
const SIZE = 16 * 1024;

/** The file's text, or undefined when it does not exist (other errors are thrown). */
export function readSmallFile(file: string, encoding: BufferEncoding = 'utf8'): string | undefined {
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
