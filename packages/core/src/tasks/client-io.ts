/**
 * The client's ends of a task's FIFOs (ctr run in the foreground, tasks start, tasks attach),
 * relayed to and from the caller's streams. The container writes into the FIFOs itself; the
 * relay ends when every writer of stdout and stderr has closed them (EOF).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { TaskPaths } from '../layout';
import { sendControl } from './shim/control';

const { O_RDONLY, O_WRONLY, O_RDWR, O_NONBLOCK } = fs.constants;

export interface RelayStreams {
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Size the container's terminal after this fd's (and on SIGWINCH). */
  sizeFrom?: number;
}

export interface Relay {
  done: Promise<void>;
  /** Takes what is already buffered, then stops (the container exited but something holds its stdio). */
  abort(): void;
}

export interface ClientIo {
  /** The container has started: drop the placeholder writers that kept EOF away until then. */
  started(): void;
  relay(s: RelayStreams): Relay;
  close(): void;
}

/**
 * Opens our ends. `placeholder`: the container does not hold its ends yet, so a writer of ours
 * keeps the FIFOs from reading as EOF until started().
 */
export function openClientIo(p: TaskPaths, terminal: boolean, placeholder: boolean): ClientIo {
  const fds: number[] = [];
  const open = (f: string, flags: number): number => { const fd = fs.openSync(f, flags); fds.push(fd); return fd; };
  const outFd = open(p.stdout, O_RDONLY | O_NONBLOCK);
  const errFd = terminal ? undefined : open(p.stderr, O_RDONLY | O_NONBLOCK);
  let holders: number[] = [];
  if (placeholder) {
    holders = [fs.openSync(p.stdout, O_WRONLY | O_NONBLOCK)];
    if (!terminal) holders.push(fs.openSync(p.stderr, O_WRONLY | O_NONBLOCK));
  }
  const inFd = open(p.stdin, O_RDWR);
  const sockets: net.Socket[] = [];
  const dropHolders = (): void => { for (const fd of holders) fs.closeSync(fd); holders = []; };

  return {
    started: dropHolders,
    close(): void {
      dropHolders();
      for (const s of sockets) s.destroy();
      if (sockets.length === 0) for (const fd of fds) fs.closeSync(fd);
    },
    relay(s: RelayStreams): Relay {
      const out = new net.Socket({ fd: outFd, readable: true, writable: false });
      const err = errFd === undefined ? undefined : new net.Socket({ fd: errFd, readable: true, writable: false });
      const input = new net.Socket({ fd: inFd, readable: false, writable: true });
      sockets.push(out, input, ...(err ? [err] : []));
      for (const sk of sockets) sk.on('error', () => undefined);
      out.pipe(s.stdout, { end: false });
      err?.pipe(s.stderr, { end: false });
      const ended = (sk: net.Socket | undefined): Promise<void> => new Promise((resolve) => {
        if (!sk) { resolve(); return; }
        sk.once('end', resolve);
        sk.once('close', resolve);
      });

      const stdin = s.stdin;
      const raw = terminal && stdin?.isTTY === true && typeof stdin.setRawMode === 'function';
      if (raw) stdin?.setRawMode?.(true);
      const resize = (): void => {
        if (s.sizeFrom === undefined) return;
        const { getWinsize } = require('../sys/pty') as typeof import('../sys/pty');
        try {
          const ws = getWinsize(s.sizeFrom);
          if (ws.rows > 0 && ws.cols > 0) sendControl(p.control, { type: 'resize', rows: ws.rows, cols: ws.cols });
        } catch { /* not a terminal any more */ }
      };
      if (terminal && s.sizeFrom !== undefined) process.on('SIGWINCH', resize);
      const onData = (d: Buffer | string): void => { input.write(d); };
      const onEnd = (): void => {
        // Our input ended: once it is written, the container's stdin is closed (its EOF).
        input.write('', () => {
          input.destroy();
          sendControl(p.control, { type: 'close-stdin' });
        });
      };
      if (stdin) {
        stdin.on('data', onData);
        stdin.once('end', onEnd);
        stdin.resume();
      }
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        if (stdin) {
          stdin.removeListener('data', onData);
          stdin.removeListener('end', onEnd);
          stdin.pause();
          if (raw) stdin.setRawMode?.(false);
        }
        if (terminal && s.sizeFrom !== undefined) process.removeListener('SIGWINCH', resize);
        input.destroy();
      };
      const done = Promise.all([ended(out), ended(err)]).then(finish);
      return {
        done,
        abort(): void {
          // Read what is buffered now, without waiting for writers that may never close.
          const buf = Buffer.alloc(65536);
          for (const [sk, fd, dest] of [[out, outFd, s.stdout], [err, errFd, s.stderr]] as const) {
            if (!sk || fd === undefined) continue;
            sk.unpipe(dest);
            for (;;) {
              let n = 0;
              try { n = fs.readSync(fd, buf, 0, buf.length, null); } catch { break; }
              if (n <= 0) break;
              dest.write(Buffer.from(buf.subarray(0, n)));
            }
            sk.destroy();
          }
          finish();
        },
      };
    },
  };
}
