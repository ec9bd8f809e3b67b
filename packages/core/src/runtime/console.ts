/**
 * Container terminals, with runc's --console-socket protocol: the init stage allocates a pty
 * inside the container, sends the master over a unix socket (SCM_RIGHTS, with the master's
 * path name as the message data) and makes the slave its controlling terminal and stdio.
 * The receiving side either hands the master on (a console socket) or relays it to the
 * user's terminal (`run -t` in the foreground).
 */
import * as fs from 'node:fs';
import * as tty from 'node:tty';
import { InvalidArgumentError } from '../errors';
import { closeFd, O_CLOEXEC, openRaw } from '../sys/file';
import { call } from '../sys/libc';
import { mount, MS_BIND } from '../sys/mount';
import { clearOnlcr, dup2, getWinsize, isTerminal, openPty, setControllingTerminal, setWinsize } from '../sys/pty';
import { recvFd, sendFd } from '../sys/socket';

/** The name runc sends with the master (the path it opened it by, /dev/ptmx). */
export const CONSOLE_FD_NAME = '/dev/ptmx';

export interface ConsoleSize {
  height: number;
  width: number;
}

export interface ContainerConsoleOptions {
  /** Bind-mount the slave on /dev/console (runc does for the container's init, not for exec). */
  mountDevConsole?: boolean;
  /** The ptmx to allocate from (default /dev/ptmx, i.e. the container's devpts instance). */
  ptmx?: string;
  /**
   * Make the pty our controlling terminal (default). exec's stage does not: its program, spawned
   * into a session of its own, opens the slave and takes it (a tty is one session's only).
   */
  controlling?: boolean;
}

/**
 * The init stage's part (synchronous; after the rootfs and /dev/pts are set up): allocates a
 * pty, sizes it, sends the master over `consoleFd`, makes the slave the controlling terminal
 * and fds 0-2, then closes the master, the slave's extra fd and `consoleFd`.
 * Returns the slave's path inside the container (e.g. /dev/pts/0).
 */
export function setupConsoleInContainer(consoleFd: number, size?: ConsoleSize, opts: ContainerConsoleOptions = {}): { slavePath: string } {
  const pty = openPty(opts.ptmx);
  try {
    if (size && size.height > 0 && size.width > 0) setWinsize(pty.master, size.height, size.width);
    if (opts.mountDevConsole) mountConsole(pty.slave);
    sendFd(consoleFd, pty.master, CONSOLE_FD_NAME);
  } catch (err) {
    closeFd(pty.master);
    closeFd(pty.slave);
    throw err;
  }
  // The caller holds the master now: the container must not keep a copy.
  closeFd(pty.master);
  if (consoleFd > 2) closeFd(consoleFd);
  if (opts.controlling !== false) setControllingTerminal(pty.slave);
  for (const fd of [0, 1, 2]) dup2(pty.slave, fd);
  if (pty.slave > 2) closeFd(pty.slave);
  return { slavePath: pty.slavePath };
}

/** Programs that write to /dev/console reach the container's terminal, not the host's. */
function mountConsole(slave: number): void {
  const target = '/dev/console';
  const st = fs.lstatSync(target, { throwIfNoEntry: false });
  // Never follow a symlink the image may have planted, and never open an existing device.
  if (st?.isSymbolicLink()) throw new InvalidArgumentError(`${target}: is a symlink, refusing to mount the console on it`);
  if (!st) {
    const O_CREAT = 0o100;
    const O_EXCL = 0o200;
    const O_NOCTTY = 0o400;
    const O_NOFOLLOW = 0o400000;
    closeFd(openRaw(target, O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0o666));
  }
  mount(`/proc/self/fd/${slave}`, target, null, MS_BIND);
}

/**
 * The parent's part: waits (blocking) for the master on `sockFd` and returns it
 * (close-on-exec). Throws if what arrived is not a terminal.
 */
export function receiveConsole(sockFd: number): number {
  const { fd, name } = recvFd(sockFd);
  if (!isTerminal(fd)) {
    closeFd(fd);
    throw new InvalidArgumentError(`console socket: received fd (${name}) is not a terminal`);
  }
  return fd;
}

/** receiveConsole, then closes our end of the socket pair whatever happened. */
export function takeConsole(sockFd: number): number {
  try {
    return receiveConsole(sockFd);
  } finally {
    closeFd(sockFd);
  }
}

export interface RelayOptions {
  /** Input relayed to the container (default process.stdin; raw mode while relaying if a TTY). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** Where the container's output goes (default process.stdout). */
  stdout?: NodeJS.WritableStream;
  /** Clear ONLCR on the master, as runc does for the terminal it relays (default true). */
  clearOnlcr?: boolean;
  /** Host fds whose terminal size is copied to the container (first TTY wins; default 1, 2, 0). */
  sizeFrom?: number[];
  /** Propagate SIGWINCH (default true when a size source is a TTY). */
  resize?: boolean;
  /** Stop relaying (e.g. the container's process exited while something still holds the slave). */
  signal?: AbortSignal;
}

const O_NONBLOCK = 0o4000;
const F_GETFL = 3;
const F_SETFL = 4;
/** Retry delays for input the pty cannot take yet (its input queue is full). */
const RETRY_MIN_MS = 5;
const RETRY_MAX_MS = 200;

function setNonblock(fd: number): void {
  const flags = call('int fcntl(int, int, int)', 'fcntl', `F_GETFL console fd ${fd}`, fd, F_GETFL, 0);
  call('int fcntl(int, int, int)', 'fcntl', `F_SETFL console fd ${fd}`, fd, F_SETFL, flags | O_NONBLOCK);
}

/**
 * Relays between the user's stdio and the pty master until the container side closes (EIO
 * or EOF on the master) or `signal` aborts; then restores the user's terminal. Takes
 * ownership of `masterFd` (closed when done).
 *
 * Measured on Node 20: net.Socket rejects a pty fd (ERR_INVALID_FD_TYPE); fs streams work but
 * park a libuv worker in a blocking read that cannot be cancelled; tty.ReadStream on the
 * master polls it with epoll. libuv treats a master as a blocking-write tty, so writes spin or
 * block the loop when the pty's input queue is full: input is written here with
 * non-blocking writes instead, retried on a timer only while the queue is full.
 */
export function relayTerminal(masterFd: number, opts: RelayOptions = {}): Promise<void> {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  // Our own stdout failing: a reader gone ends us with 141, other failures stop the output (as
  // ctr's copy and runc's), and the process's status still decides (cli/output-errors.ts).
  if (opts.stdout === undefined) (require('../cli/output-errors') as typeof import('../cli/output-errors')).exitOnBrokenPipe();
  if (opts.clearOnlcr !== false) clearOnlcr(masterFd);
  setNonblock(masterFd);

  // Raw like runc's host console: keystrokes (^C included) go to the container unprocessed;
  // Node's raw mode keeps OPOST/ONLCR, so the container's bare newlines still display right.
  // Restored when the relay ends, or at exit (a caller that handles signals should exit).
  const raw = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  const restore = (): void => { if (raw) stdin.setRawMode?.(false); };
  if (raw) stdin.setRawMode?.(true);
  process.once('exit', restore);

  const sizeFd = (opts.sizeFrom ?? [1, 2, 0]).find((fd) => isTerminal(fd));
  const copySize = (): void => {
    if (sizeFd === undefined) return;
    try {
      const ws = getWinsize(sizeFd);
      if (ws.rows > 0 && ws.cols > 0) setWinsize(masterFd, ws.rows, ws.cols, ws.xpixel, ws.ypixel);
    } catch {
      // the host terminal went away: keep the last size
    }
  };
  copySize();
  const onWinch = (): void => copySize();
  const watchResize = opts.resize ?? sizeFd !== undefined;
  if (watchResize) process.on('SIGWINCH', onWinch);


  const master = new tty.ReadStream(masterFd);
  let pending: Buffer[] = [];
  let retry: NodeJS.Timeout | undefined;
  let retryMs = RETRY_MIN_MS;
  let finished = false;

  const flushInput = (): void => {
    retry = undefined;
    while (pending.length > 0 && !finished) {
      const chunk = pending[0]!;
      let n: number;
      try {
        n = fs.writeSync(masterFd, chunk);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          retry = setTimeout(flushInput, retryMs);
          retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
          return;
        }
        pending = []; // EIO: the container side is gone; its output end tells the rest
        return;
      }
      retryMs = RETRY_MIN_MS;
      if (n < chunk.length) pending[0] = chunk.subarray(n);
      else pending.shift();
    }
  };
  const onInput = (d: Buffer | string): void => {
    pending.push(typeof d === 'string' ? Buffer.from(d) : d);
    if (!retry) flushInput();
  };
  stdin.on('data', onInput);
  stdin.resume();

  return new Promise<void>((resolve) => {
    const finish = (): void => {
      if (finished) return;
      finished = true;
      if (retry) clearTimeout(retry);
      stdin.removeListener('data', onInput);
      stdin.pause();
      restore();
      process.removeListener('exit', restore);
      if (watchResize) process.removeListener('SIGWINCH', onWinch);
      opts.signal?.removeEventListener('abort', onAbort);
      master.unpipe(stdout);
      master.destroy(); // closes masterFd
      // Resolve once what was already handed to stdout is written (a failed stdout takes nothing more).
      const failed = stdout as { destroyed?: boolean; errored?: unknown };
      if (failed.destroyed === true || failed.errored || stdout.write('')) resolve();
      else stdout.once('drain', () => resolve());
    };
    const onAbort = (): void => {
      // Take what the container wrote before it went away, then stop.
      const buf = Buffer.alloc(65536);
      for (;;) {
        let n = 0;
        try { n = fs.readSync(masterFd, buf, 0, buf.length, null); } catch { break; }
        if (n <= 0) break;
        stdout.write(Buffer.from(buf.subarray(0, n)));
      }
      finish();
    };
    master.pipe(stdout, { end: false });
    master.on('end', finish);
    master.on('error', finish); // EIO: every slave fd is closed
    master.on('close', finish);
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
