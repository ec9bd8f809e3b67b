/**
 * Pseudo-terminals: allocation through a devpts ptmx, controlling terminal, window size,
 * termios output flags. Ioctl numbers are the generic Linux ones (x86_64 and aarch64).
 */
import { InvalidArgumentError, SysError } from '../errors';
import { call, fn } from './libc';
import { closeFd, O_CLOEXEC, openRaw } from './file';

const O_RDWR = 0o2;
const O_NOCTTY = 0o400;

const TCGETS = 0x5401;
const TCSETS = 0x5402;
const TIOCSCTTY = 0x540e;
const TIOCGWINSZ = 0x5413;
const TIOCSWINSZ = 0x5414;
const TIOCGPTN = 0x80045430;
const TIOCSPTLCK = 0x40045431;
const TIOCGPTPEER = 0x5441;
/** c_oflag bit: translate NL to CR-NL on output. */
const ONLCR = 0o4;
/** Offset of c_oflag in the kernel's struct termios (c_iflag comes first). */
const OFF_OFLAG = 4;
/** The kernel's struct termios is 36 bytes; leave room for termios2-sized answers. */
const TERMIOS_SIZE = 64;

// glibc's ioctl is variadic; for one int or pointer argument the LP64 ABIs pass it the same
// way as a fixed third parameter, so two fixed prototypes cover every request used here.
const IOCTL_PTR = 'int ioctl(int, unsigned long, void *)';
const IOCTL_INT = 'int ioctl(int, unsigned long, long)';

export interface Pty {
  /** The master side (close-on-exec): what the caller relays. */
  master: number;
  /** The slave side (close-on-exec): what becomes the process's stdio. */
  slave: number;
  /** The slave's path as seen through the devpts instance of `ptmx` (e.g. /dev/pts/0). */
  slavePath: string;
}

export interface Winsize {
  rows: number;
  cols: number;
  xpixel: number;
  ypixel: number;
}

/**
 * Allocates a pty pair from `ptmx` (the current mount namespace's /dev/ptmx by default).
 * The slave is opened from the master with TIOCGPTPEER, so it is always the master's peer
 * even if a path under /dev/pts was replaced; kernels before 4.13 fall back to the path.
 */
export function openPty(ptmx = '/dev/ptmx'): Pty {
  const master = openRaw(ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC);
  try {
    const arg = Buffer.alloc(4);
    call(IOCTL_PTR, 'ioctl', `TIOCSPTLCK ${ptmx}`, master, TIOCSPTLCK, arg);
    call(IOCTL_PTR, 'ioctl', `TIOCGPTN ${ptmx}`, master, TIOCGPTN, arg);
    const dir = ptmx.endsWith('/pts/ptmx') ? ptmx.slice(0, -'ptmx'.length) : '/dev/pts/';
    const slavePath = `${dir}${arg.readUInt32LE(0)}`;
    let slave: number;
    try {
      slave = call(IOCTL_INT, 'ioctl', `TIOCGPTPEER ${ptmx}`, master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    } catch (err) {
      if (!(err instanceof SysError) || (err.errno !== 'EINVAL' && err.errno !== 'ENOTTY')) throw err;
      slave = openRaw(slavePath, O_RDWR | O_NOCTTY | O_CLOEXEC);
    }
    return { master, slave, slavePath };
  } catch (err) {
    closeFd(master);
    throw err;
  }
}

/** True when `fd` is a terminal (either side of a pty included). */
export function isTerminal(fd: number): boolean {
  const f = fn(IOCTL_PTR);
  return f(fd, TCGETS, Buffer.alloc(TERMIOS_SIZE)) === 0;
}

/**
 * Makes `fd` the calling process's controlling terminal, starting a new session first
 * unless the process already leads one (TIOCSCTTY only works for a session leader).
 */
export function setControllingTerminal(fd: number): void {
  const pid = call('int getpid(void)', 'getpid', undefined);
  const sid = call('int getsid(int)', 'getsid', undefined, 0);
  if (sid !== pid) call('int setsid(void)', 'setsid', 'for the controlling terminal');
  call(IOCTL_INT, 'ioctl', `TIOCSCTTY fd ${fd}`, fd, TIOCSCTTY, 0);
}

export function getWinsize(fd: number): Winsize {
  const ws = Buffer.alloc(8);
  call(IOCTL_PTR, 'ioctl', `TIOCGWINSZ fd ${fd}`, fd, TIOCGWINSZ, ws);
  return { rows: ws.readUInt16LE(0), cols: ws.readUInt16LE(2), xpixel: ws.readUInt16LE(4), ypixel: ws.readUInt16LE(6) };
}

/** Sets the window size; the kernel sends SIGWINCH to the terminal's foreground group. */
export function setWinsize(fd: number, rows: number, cols: number, xpixel = 0, ypixel = 0): void {
  for (const [k, v] of [['rows', rows], ['cols', cols], ['xpixel', xpixel], ['ypixel', ypixel]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new InvalidArgumentError(`window size ${k} ${v}: not a 16-bit unsigned integer`);
  }
  const ws = Buffer.alloc(8);
  ws.writeUInt16LE(rows, 0);
  ws.writeUInt16LE(cols, 2);
  ws.writeUInt16LE(xpixel, 4);
  ws.writeUInt16LE(ypixel, 6);
  call(IOCTL_PTR, 'ioctl', `TIOCSWINSZ fd ${fd}`, fd, TIOCSWINSZ, ws);
}

/** dup2(2): the new fd is not close-on-exec (what stdio of an exec'd process needs). */
export function dup2(oldFd: number, newFd: number): void {
  call('int dup2(int, int)', 'dup2', `${oldFd} onto ${newFd}`, oldFd, newFd);
}

/**
 * Turns off NL -> CR-NL translation of the terminal's output, as runc does on the master it
 * relays (so a relayed container's output has plain newlines).
 */
export function clearOnlcr(fd: number): void {
  const t = Buffer.alloc(TERMIOS_SIZE);
  call(IOCTL_PTR, 'ioctl', `TCGETS fd ${fd}`, fd, TCGETS, t);
  const oflag = t.readUInt32LE(OFF_OFLAG);
  if ((oflag & ONLCR) === 0) return;
  t.writeUInt32LE(oflag & ~ONLCR, OFF_OFLAG);
  call(IOCTL_PTR, 'ioctl', `TCSETS fd ${fd}`, fd, TCSETS, t);
}
