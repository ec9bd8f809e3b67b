/**
 * A CRI container's stdio as its shim keeps it (TaskIo kind `cri`): the container writes into the
 * stdout and stderr FIFOs of the task directory, the shim reads them and appends CRI log lines
 * (`<RFC3339Nano> stdout|stderr F|P <line>`) to the container's log file; stdin is the stdin FIFO
 * (for `crictl attach -i`) when the container's config asks for it, else /dev/null. When the
 * container has exited, finishCriTask drains what is left, records the exit in the container's
 * CRI status and deletes the task, as containerd's CRI plugin does on a TaskExit event. With a
 * tty, the shim relays the pty into the log instead (relayTerminalToCriLog). A separate log relay
 * process did all this before.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { TaskPaths } from '../layout';
import { mkfifo } from '../sys/file';
import type { ContainerStdio } from '../tasks/shim/stdio';
import type { TerminalRelay } from '../tasks/shim/relay';
import type { ExitInfo, TaskIo } from '../tasks/types';
import { CriLogFile, CriLogWriter, type CriStream } from './cri-log';
import { makeDirs } from '../util/make-dirs';
import { errnoText } from '../errors';

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

/** The container's log file, its directory made; failures in containerd's words (createContainerLoggers). */
function openCriLogFile(file: string): CriLogFile {
  try {
    makeDirs(path.dirname(file), 0o755);
    return new CriLogFile(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.syscall && e.path ? `${e.syscall} ${e.path}: ${errnoText(e.code ?? '')}` : e.message;
    throw new Error(`failed to create container loggers: failed to create and open log file: ${why}`);
  }
}

export function openCriLogStdio(io: CriIo, p: Pick<TaskPaths, 'stdin' | 'stdout' | 'stderr'>): CriLogStdio {
  const file = io.path === '' ? undefined : openCriLogFile(io.path);
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
 * A tty container: the pty's output into the CRI log (all of it as stdout, as containerd logs a
 * tty), the stdin FIFO into the pty when the config asks for stdin.
 */
export function relayTerminalToCriLog(master: number, io: CriIo, p: Pick<TaskPaths, 'stdin'>): TerminalRelay {
  const file = io.path === '' ? undefined : openCriLogFile(io.path);
  const out: Writable = file ? new CriLogWriter(file, 'stdout') : new Writable({ write(_c, _e, cb): void { cb(); } });
  out.on('error', () => undefined);
  // O_RDWR: opening never blocks, and the FIFO does not see EOF between clients.
  const input = io.stdin ? new net.Socket({ fd: fs.openSync(p.stdin, fs.constants.O_RDWR), readable: true, writable: false }) : new PassThrough();
  input.on('error', () => undefined);
  const stop = new AbortController();
  const { relayTerminal } = require('../runtime/console') as typeof import('../runtime/console');
  const done = relayTerminal(master, { stdin: input, stdout: out, sizeFrom: [], resize: false, signal: stop.signal })
    .finally(() => new Promise<void>((resolve) => {
      input.destroy();
      out.end(() => { try { file?.close(); } catch { /* closed */ } resolve(); });
    }));
  return { done, stop };
}

/** What the log of a finished CRI container waits for, and completes it with. */
export interface CriLogTail {
  /** Every writer gone. */
  ended: Promise<void>;
  drain(): void;
}

/**
 * After the container's exit (its exit record written): the log complete — once every writer is
 * gone, or after a grace period if something the container started keeps a pipe open — then the
 * exit in the CRI status, then the task deleted (its rootfs unmounted, `runc list` forgets it).
 */
export async function finishCriTask(io: CriIo, log: CriLogTail, state: string, namespace: string, id: string, exit: ExitInfo): Promise<void> {
  await (require('../util/output-grace') as typeof import('../util/output-grace')).outputEndedOrGrace(log.ended);
  log.drain();
  const { recordCriExit } = require('./container-exit') as typeof import('./container-exit');
  // Not recorded (the metadata store failed): the task and its exit record stay for the views.
  if (!recordCriExit(io.root, id, exit)) return;
  const { deleteTask } = require('../tasks/ops') as typeof import('../tasks/ops');
  try { deleteTask(state, namespace, id, false, { unlessBusy: true }); } catch { /* rm got there first */ }
}
