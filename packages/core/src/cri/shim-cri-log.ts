/**
 * CRI logs written by the shim itself, for a `cri` stdio kind of the shim (not wired yet: see
 * below). It would spare the per-container log relay process (cri/log-relay-main.ts).
 *
 * The container writes into two FIFOs of the task directory; the shim reads them and appends
 * CRI lines to the log. When the shim exits (process.exit right after the exit record), what the
 * container wrote last is still in the pipes: an exit handler reads it synchronously, so nothing
 * is lost. The hook the shim needs, in tasks/shim/stdio.ts openContainerStdio (with
 * `| { kind: 'cri'; path: string }` added to TaskIo):
 *
 *   if (io.kind === 'cri') return (require('../../cri/shim-cri-log') as typeof import('../../cri/shim-cri-log')).openCriLogStdio(io.path, p);
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { TaskPaths } from '../layout';
import { mkfifo } from '../sys/file';
import { CriLogFile, CriLogWriter, type CriStream } from './cri-log';

const { O_RDONLY, O_WRONLY, O_NONBLOCK } = fs.constants;

export interface CriLogStdio {
  /** The container's 0, 1, 2. */
  fds: [number, number, number];
  /** Nothing for the shim to close at exit: the readers stay open until the drain. */
  keep: number[];
}

export function openCriLogStdio(logPath: string, p: Pick<TaskPaths, 'stdout' | 'stderr'>): CriLogStdio {
  fs.mkdirSync(path.dirname(logPath), { recursive: true });
  const file = new CriLogFile(logPath);
  const streams: { name: CriStream; fifo: string; reader: number; writer: CriLogWriter; socket?: net.Socket }[] = [];
  for (const [name, fifo] of [['stdout', p.stdout], ['stderr', p.stderr]] as const) {
    if (!fs.existsSync(fifo)) mkfifo(fifo, 0o600);
    const reader = fs.openSync(fifo, O_RDONLY | O_NONBLOCK);
    streams.push({ name, fifo, reader, writer: new CriLogWriter(file, name) });
  }
  const [out, err] = streams.map((s) => fs.openSync(s.fifo, O_WRONLY)) as [number, number];
  for (const s of streams) {
    s.socket = new net.Socket({ fd: s.reader, readable: true, writable: false });
    s.socket.on('error', () => undefined);
    s.socket.pipe(s.writer, { end: false });
  }
  process.once('exit', () => {
    // Synchronously: the event loop is over. What is left in each pipe, then partial lines.
    const buf = Buffer.alloc(65536);
    for (const s of streams) {
      s.socket?.unpipe(s.writer);
      for (;;) {
        let n = 0;
        try { n = fs.readSync(s.reader, buf, 0, buf.length, null); } catch { break; }
        if (n <= 0) break;
        s.writer.writeSync(buf.subarray(0, n));
      }
      s.writer.flushSync();
    }
  });
  return { fds: [fs.openSync('/dev/null', O_RDONLY), out, err], keep: [] };
}
