/**
 * The container's stdio as the shim sets it up. The container writes to the stdout/stderr FIFOs
 * itself (no copy through the shim); the shim holds a reader end of each, never read, so a
 * reader can come and go without the container getting EPIPE, and output written while nobody
 * reads waits in the pipe. For stdin the shim holds an end open (O_RDWR) so the container does
 * not see EOF between readers, until the client says its input ended (close-stdin).
 */
import * as fs from 'node:fs';
import type { TaskPaths } from '../../layout';
import type { TaskIo } from '../types';

const { O_RDONLY, O_WRONLY, O_RDWR, O_NONBLOCK, O_APPEND, O_CREAT } = fs.constants;

export interface ContainerStdio {
  /** The fds to install as the container's 0, 1, 2 (closed by the shim once it is created). */
  fds: [number, number, number];
  /** Fds the shim keeps while the container runs: closed at exit so readers see EOF. */
  keep: number[];
  /** The stdin keep-alive end, closed on close-stdin. */
  stdinKeep?: number;
}

export function openContainerStdio(io: TaskIo, p: TaskPaths, terminal: boolean): ContainerStdio {
  const devnull = (): number => fs.openSync('/dev/null', O_RDWR);
  if (terminal || io.kind === 'null') {
    // With a terminal, the pty is the container's stdio; the shim relays it (see relay.ts).
    const n = devnull();
    return { fds: [n, n, n], keep: [] };
  }
  if (io.kind === 'log') {
    const out = fs.openSync(io.path, O_WRONLY | O_APPEND | O_CREAT, 0o640);
    return { fds: [devnull(), out, out], keep: [] };
  }
  // O_RDWR first: the open of the container's reader end cannot block then.
  const stdinKeep = fs.openSync(p.stdin, O_RDWR);
  const stdin = fs.openSync(p.stdin, O_RDONLY);
  const outKeep = fs.openSync(p.stdout, O_RDONLY | O_NONBLOCK);
  const stdout = fs.openSync(p.stdout, O_WRONLY);
  const errKeep = fs.openSync(p.stderr, O_RDONLY | O_NONBLOCK);
  const stderr = fs.openSync(p.stderr, O_WRONLY);
  return { fds: [stdin, stdout, stderr], keep: [outKeep, errKeep], stdinKeep };
}
