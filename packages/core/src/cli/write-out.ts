/**
 * Output of the CLIs' fast paths, written with write(2) on fds 1 and 2. process.stdout and
 * process.stderr build a stream on first use (for a file, a pipe or a tty: ~1.5 ms of a ~20 ms
 * command); the fast paths print once and exit. A descriptor left non-blocking by whoever opened
 * it can return EAGAIN: then the rest goes through the stream, which waits for it.
 */
import * as fs from 'node:fs';
import { stdoutFailed } from './output-errors';

let handedToStream = false;

/** True once some output went through a stream: the process must not exit before it is written. */
export function outputPending(): boolean {
  return handedToStream;
}

function writeFd(fd: 1 | 2, text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  try {
    while (off < buf.length) off += fs.writeSync(fd, buf, off);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') return; // the reader is gone, as with `| head`
    // A full disk, a hung-up terminal: reported at exit, in the tool's words (output-errors.ts);
    // stderr's own failures have nowhere to go.
    if (code !== 'EAGAIN') {
      if (fd === 1) stdoutFailed(err as NodeJS.ErrnoException);
      return;
    }
    handedToStream = true;
    (fd === 1 ? process.stdout : process.stderr).write(buf.subarray(off));
  }
}

export const writeStdout = (text: string): void => writeFd(1, text);
export const writeStderr = (text: string): void => writeFd(2, text);
