/**
 * Small files (records, /proc and cgroup files) in one open, one read and one close into a shared
 * buffer. readFileSync also stats the file, allocates a buffer per call and, on /proc and cgroup
 * files (size 0 or 4096), reads more than once: about twice the syscalls, and `tasks ls` and
 * `list` read several such files per container.
 */
import * as fs from 'node:fs';

const BUF = Buffer.alloc(64 * 1024);

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
    const n = fs.readSync(fd, BUF, 0, BUF.length, null);
    const head = BUF.toString(encoding, 0, n);
    // Larger than the buffer (a record with a huge config): the rest from where the read stopped.
    return n < BUF.length ? head : head + fs.readFileSync(fd, encoding);
  } finally {
    fs.closeSync(fd);
  }
}
