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
  if (io.kind === 'cri' && !terminal) return (require('../../cri/shim-cri-log') as typeof import('../../cri/shim-cri-log')).openCriLogStdio(io, p);
  if (terminal || io.kind === 'null') {
    // With a terminal, the pty is the container's stdio; the shim relays it (see relay.ts).
    const n = devnull();
    return { fds: [n, n, n], keep: [] };
  }
  if (io.kind === 'log') {
    const out = fs.openSync(io.path, O_WRONLY | O_APPEND | O_CREAT, 0o640);
    return { fds: [devnull(), out, out], keep: [] };
  }
  const { stdin, stdinKeep } = openStdinFifo(p);
  const outKeep = fs.openSync(p.stdout, O_RDONLY | O_NONBLOCK);
  const stdout = fs.openSync(p.stdout, O_WRONLY);
  const errKeep = fs.openSync(p.stderr, O_RDONLY | O_NONBLOCK);
  const stderr = fs.openSync(p.stderr, O_WRONLY);
  return { fds: [stdin, stdout, stderr], keep: [outKeep, errKeep], stdinKeep };
}

/**
 * The stdin FIFO: the container's reader end, and an end the shim holds open (O_RDWR, opened
 * first so the reader's open cannot block) until the client says its input ended.
 */
export function openStdinFifo(p: Pick<TaskPaths, 'stdin'>): { stdin: number; stdinKeep: number } {
  const stdinKeep = fs.openSync(p.stdin, O_RDWR);
  return { stdin: fs.openSync(p.stdin, O_RDONLY), stdinKeep };
}

/** Closes what a ContainerStdio keeps (the shim, once the container is gone). */
export function closeContainerStdio(stdio: ContainerStdio): void {
  for (const fd of stdio.keep) fs.closeSync(fd);
  if (stdio.stdinKeep !== undefined) fs.closeSync(stdio.stdinKeep);
  stdio.keep = [];
  stdio.stdinKeep = undefined;
}
