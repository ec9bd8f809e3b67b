/**
 * A CRI container's stdio as its shim keeps it (TaskIo kind `cri`): the container writes into the
 * stdout and stderr FIFOs of the task directory, the shim reads them and appends CRI log lines
 * (`<RFC3339Nano> stdout|stderr F|P <line>`) to the container's log file; stdin is the stdin FIFO
 * (for `crictl attach -i`) when the container's config asks for it, else /dev/null. When the
 * container has exited, finishCriTask drains what is left, records the exit in the container's
 * CRI status and deletes the task, as containerd's CRI plugin does on a TaskExit event. This is
 * what a separate log relay process did before (log-relay-main.ts, now for tty containers only).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { TaskPaths } from '../layout';
import { mkfifo } from '../sys/file';
import type { ContainerStdio } from '../tasks/shim/stdio';
import type { ExitInfo, TaskIo } from '../tasks/types';
import { CriLogFile, CriLogWriter, type CriStream } from './cri-log';

const { O_RDONLY, O_WRONLY, O_NONBLOCK } = fs.constants;

interface Stream {
  fifo: string;
  reader: number;
  writer?: CriLogWriter;
  socket?: net.Socket;
  /** The socket closed the reader fd (at EOF): drain must not read that fd number again. */
  closed: boolean;
  ended: Promise<void>;
}

/** At most this much is drained after the grace period: a writer that outlives its container cannot keep the shim. */
const DRAIN_LIMIT = 16 << 20;

export interface CriLogStdio extends ContainerStdio {
  /** What is still in the pipes into the log, synchronously; then the log is closed. Once. */
  drain(): void;
  /** Both pipes at EOF: every writer in the container is gone. */
  ended: Promise<void>;
}

type CriIo = Extract<TaskIo, { kind: 'cri' }>;

export function openCriLogStdio(io: CriIo, p: Pick<TaskPaths, 'stdin' | 'stdout' | 'stderr'>): CriLogStdio {
  let file: CriLogFile | undefined;
  if (io.path !== '') {
    fs.mkdirSync(path.dirname(io.path), { recursive: true });
    file = new CriLogFile(io.path);
  }
  const streams: Stream[] = [];
  for (const [name, fifo] of [['stdout', p.stdout], ['stderr', p.stderr]] as [CriStream, string][]) {
    if (!fs.existsSync(fifo)) mkfifo(fifo, 0o600);
    const reader = fs.openSync(fifo, O_RDONLY | O_NONBLOCK);
    const writer = file ? new CriLogWriter(file, name) : undefined;
    const socket = new net.Socket({ fd: reader, readable: true, writable: false });
    socket.on('error', () => undefined);
    // Without a log file the output is read and dropped: the container must not block on a full pipe.
    if (writer) socket.pipe(writer, { end: false }); else socket.resume();
    const s: Stream = { fifo, reader, writer, socket, closed: false, ended: Promise.resolve() };
    // A log that cannot be written (a full disk) loses lines, not the shim: the rest is read and dropped.
    writer?.on('error', () => {
      socket.unpipe(writer);
      s.writer = undefined;
      socket.resume();
    });
    s.ended = new Promise<void>((resolve) => {
      socket.once('end', resolve);
      socket.once('close', () => { s.closed = true; resolve(); });
    });
    streams.push(s);
  }
  const [out, err] = streams.map((s) => fs.openSync(s.fifo, O_WRONLY)) as [number, number];
  let stdin: number;
  let stdinKeep: number | undefined;
  if (io.stdin) {
    const { openStdinFifo } = require('../tasks/shim/stdio') as typeof import('../tasks/shim/stdio');
    ({ stdin, stdinKeep } = openStdinFifo(p));
  } else stdin = fs.openSync('/dev/null', O_RDONLY);

  let drained = false;
  const drain = (): void => {
    if (drained) return;
    drained = true;
    const buf = Buffer.alloc(65536);
    for (const s of streams) {
      try {
        if (s.writer) s.socket?.unpipe(s.writer);
        s.socket?.pause();
        // What the socket has read from the pipe but not handed on yet, then the pipe itself.
        for (let chunk = s.socket?.read() as Buffer | null; chunk; chunk = s.socket?.read() as Buffer | null) s.writer?.writeSync(chunk);
        for (let total = 0; !s.closed && total < DRAIN_LIMIT;) {
          let n = 0;
          try { n = fs.readSync(s.reader, buf, 0, buf.length, null); } catch { break; }
          if (n <= 0) break;
          total += n;
          s.writer?.writeSync(buf.subarray(0, n));
        }
        s.writer?.flushSync();
      } catch { /* the log cannot take more: what is lost is lost */ }
    }
    try { file?.close(); } catch { /* closed already */ }
  };
  // However the shim ends, the tail of the output is not lost.
  process.once('exit', drain);
  return { fds: [stdin, out, err], keep: [], stdinKeep, drain, ended: Promise.all(streams.map((s) => s.ended)).then(() => undefined) };
}

/**
 * After the container's exit (its exit record written): the log complete — once every writer is
 * gone, or after a grace period if something the container started keeps a pipe open — then the
 * exit in the CRI status, then the task deleted (its rootfs unmounted, `runc list` forgets it).
 */
export async function finishCriTask(io: CriIo, stdio: CriLogStdio, state: string, namespace: string, id: string, exit: ExitInfo): Promise<void> {
  await Promise.race([stdio.ended, new Promise<void>((resolve) => { setTimeout(resolve, 2000).unref(); })]);
  stdio.drain();
  const { recordCriExit } = require('./container-exit') as typeof import('./container-exit');
  // Not recorded (the metadata store failed): the task and its exit record stay for the views.
  if (!recordCriExit(io.root, id, exit)) return;
  const { deleteTask } = require('../tasks/ops') as typeof import('../tasks/ops');
  try { deleteTask(state, namespace, id); } catch { /* rm got there first */ }
}
