/**
 * AF_UNIX sockets and fd passing (SCM_RIGHTS), which Node's net module cannot do.
 *
 * struct msghdr, iovec and cmsghdr are laid out by hand in one Buffer (x86_64/aarch64
 * LP64 layout) so that the pointers inside msghdr point into memory koffi does not copy.
 */
import { BerthError, InvalidArgumentError } from '../errors';
import { call, koffi } from './libc';
import { closeFd } from './file';

export { closeFd, setCloexec } from './file';

const AF_UNIX = 1;
const SOCK_STREAM = 1;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SCM_RIGHTS = 1;
const MSG_NOSIGNAL = 0x4000;
const MSG_CTRUNC = 0x8;
const MSG_CMSG_CLOEXEC = 0x40000000;

/** runc's limit for the name sent along with a file (internal/cmsg MaxNameLen). */
export const MAX_FD_NAME_LEN = 4096;
/** sizeof(sockaddr_un.sun_path) on Linux. */
const SUN_PATH_MAX = 108;

// LP64 layout of struct msghdr: name, namelen(+pad), iov, iovlen, control, controllen, flags(+pad).
const MSGHDR_SIZE = 56;
const OFF_NAME = 0;
const OFF_NAMELEN = 8;
const OFF_IOV = 16;
const OFF_IOVLEN = 24;
const OFF_CONTROL = 32;
const OFF_CONTROLLEN = 40;
const OFF_FLAGS = 48;
const IOVEC_SIZE = 16;
/** sizeof(struct cmsghdr): size_t len, int level, int type. */
const CMSGHDR_SIZE = 16;
const ALIGN = 8;

const align = (n: number): number => (n + ALIGN - 1) & ~(ALIGN - 1);
/** CMSG_LEN(n): header plus payload, what goes into cmsg_len. */
export const cmsgLen = (n: number): number => align(CMSGHDR_SIZE) + n;
/** CMSG_SPACE(n): header plus payload padded, what a control buffer must hold. */
export const cmsgSpace = (n: number): number => align(CMSGHDR_SIZE) + align(n);

/** Most fds a single recvFd accepts before reporting truncation (extras are closed). */
const MAX_RECV_FDS = 16;

function addr(buf: Buffer): bigint {
  return koffi().address(buf);
}

/** A connected pair of AF_UNIX stream sockets, both close-on-exec. */
export function socketpair(): [number, number] {
  const sv = Buffer.alloc(8);
  call('int socketpair(int, int, int, void *)', 'socketpair', 'AF_UNIX', AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
  return [sv.readInt32LE(0), sv.readInt32LE(4)];
}

function sockaddrUn(path: string): Buffer {
  const p = Buffer.from(path);
  if (p.length === 0) throw new InvalidArgumentError('unix socket path is empty');
  if (p.length >= SUN_PATH_MAX) {
    throw new InvalidArgumentError(`unix socket path ${path}: longer than ${SUN_PATH_MAX - 1} bytes`);
  }
  const sa = Buffer.alloc(2 + p.length + 1);
  sa.writeUInt16LE(AF_UNIX, 0);
  p.copy(sa, 2);
  return sa;
}

function newSocket(what: string): number {
  return call('int socket(int, int, int)', 'socket', what, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/** A blocking stream socket connected to the unix socket at `path`. */
export function unixConnect(path: string): number {
  const sa = sockaddrUn(path);
  const fd = newSocket(path);
  try {
    call('int connect(int, const void *, uint32_t)', 'connect', path, fd, sa, sa.length);
  } catch (err) {
    closeFd(fd);
    throw err;
  }
  return fd;
}

/** A blocking listening stream socket bound to `path` (which must not exist). */
export function unixListen(path: string, backlog = 16): number {
  const sa = sockaddrUn(path);
  const fd = newSocket(path);
  try {
    call('int bind(int, const void *, uint32_t)', 'bind', path, fd, sa, sa.length);
    call('int listen(int, int)', 'listen', path, fd, backlog);
  } catch (err) {
    closeFd(fd);
    throw err;
  }
  return fd;
}

const SO_PEERCRED = 17;

/** The process at the other end of a connected unix socket (SO_PEERCRED): for a socketpair, its maker. */
export function peerCred(fd: number): { pid: number; uid: number } {
  const cred = Buffer.alloc(12); // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
  const len = Buffer.alloc(4);
  len.writeUInt32LE(cred.length, 0);
  call('int getsockopt(int, int, int, void *, void *)', 'getsockopt', `SO_PEERCRED of socket ${fd}`, fd, SOL_SOCKET, SO_PEERCRED, cred, len);
  return { pid: cred.readInt32LE(0), uid: cred.readUInt32LE(4) };
}

/** The uid of the process at the other end of a connected unix socket (SO_PEERCRED). */
export function peerUid(fd: number): number {
  return peerCred(fd).uid;
}

/** Waits for and returns one connection (close-on-exec). */
export function accept(fd: number): number {
  return call('int accept4(int, void *, void *, int)', 'accept4', `socket ${fd}`, fd, null, null, SOCK_CLOEXEC);
}

/**
 * One buffer holding msghdr | iovec | data | control, with msghdr's pointers filled in.
 * Returns the buffer and the offsets of data and control.
 */
function buildMsg(dataLen: number, controlLen: number): { msg: Buffer; dataOff: number; ctlOff: number } {
  const dataOff = MSGHDR_SIZE + IOVEC_SIZE;
  const ctlOff = align(dataOff + dataLen);
  const msg = Buffer.alloc(ctlOff + controlLen);
  const base = addr(msg);
  msg.writeBigUInt64LE(0n, OFF_NAME);
  msg.writeUInt32LE(0, OFF_NAMELEN);
  msg.writeBigUInt64LE(base + BigInt(MSGHDR_SIZE), OFF_IOV);
  msg.writeBigUInt64LE(1n, OFF_IOVLEN);
  msg.writeBigUInt64LE(controlLen ? base + BigInt(ctlOff) : 0n, OFF_CONTROL);
  msg.writeBigUInt64LE(BigInt(controlLen), OFF_CONTROLLEN);
  msg.writeInt32LE(0, OFF_FLAGS);
  // the iovec right after msghdr
  msg.writeBigUInt64LE(base + BigInt(dataOff), MSGHDR_SIZE);
  msg.writeBigUInt64LE(BigInt(dataLen), MSGHDR_SIZE + 8);
  return { msg, dataOff, ctlOff };
}

/**
 * Sends `fd` over the unix socket `sock` with `name` as the message's data, as runc's
 * console socket protocol does (the receiver gets the name along with the fd).
 * A stream socket drops control data sent with no data, so the name must not be empty.
 */
export function sendFd(sock: number, fd: number, name: string): void {
  const data = Buffer.from(name);
  if (data.length === 0) throw new InvalidArgumentError('sendFd: the name sent with a file descriptor must not be empty');
  if (data.length >= MAX_FD_NAME_LEN) throw new InvalidArgumentError(`sendFd: name too long: ${name.slice(0, 64)}...`);
  const { msg, dataOff, ctlOff } = buildMsg(data.length, cmsgSpace(4));
  data.copy(msg, dataOff);
  msg.writeBigUInt64LE(BigInt(cmsgLen(4)), ctlOff);
  msg.writeInt32LE(SOL_SOCKET, ctlOff + 8);
  msg.writeInt32LE(SCM_RIGHTS, ctlOff + 12);
  msg.writeInt32LE(fd, ctlOff + align(CMSGHDR_SIZE));
  const sent = call('long sendmsg(int, void *, int)', 'sendmsg', `fd ${fd} over socket ${sock}`, sock, msg, MSG_NOSIGNAL);
  // The kernel attaches the fd to the first skb; a short write would lose the rest of the name.
  if (sent !== data.length) {
    throw new BerthError('EPROTO', `sendmsg fd ${fd} over socket ${sock}: short write (${sent} of ${data.length} bytes)`);
  }
}

/**
 * Receives one fd sent by sendFd (or runc's SendFile) on `sock`; blocks until it arrives.
 * The fd is close-on-exec. Throws if the peer closed first or sent other than one fd.
 */
export function recvFd(sock: number): { fd: number; name: string } {
  const { msg, dataOff, ctlOff } = buildMsg(MAX_FD_NAME_LEN, cmsgSpace(4 * MAX_RECV_FDS));
  const n = call('long recvmsg(int, void *, int)', 'recvmsg', `socket ${sock}`, sock, msg, MSG_CMSG_CLOEXEC);
  const fds = parseRights(msg, ctlOff, Number(msg.readBigUInt64LE(OFF_CONTROLLEN)));
  const flags = msg.readInt32LE(OFF_FLAGS);
  const fail = (why: string): never => {
    for (const f of fds) closeFd(f);
    throw new BerthError('EPROTO', `recvmsg socket ${sock}: ${why}`);
  };
  if (n === 0 && fds.length === 0) fail('peer closed the socket before sending a file descriptor');
  if (flags & MSG_CTRUNC) fail('control data truncated (too many file descriptors sent)');
  if (n >= MAX_FD_NAME_LEN) fail(`name longer than ${MAX_FD_NAME_LEN - 1} bytes`);
  if (fds.length !== 1) fail(`expected 1 file descriptor, got ${fds.length}`);
  return { fd: fds[0]!, name: msg.toString('utf8', dataOff, dataOff + n) };
}

/** Every fd in the SCM_RIGHTS messages of a received control buffer. */
function parseRights(msg: Buffer, ctlOff: number, controlLen: number): number[] {
  const fds: number[] = [];
  let off = 0;
  while (off + CMSGHDR_SIZE <= controlLen) {
    const len = Number(msg.readBigUInt64LE(ctlOff + off));
    if (len < CMSGHDR_SIZE || off + len > controlLen) break;
    const level = msg.readInt32LE(ctlOff + off + 8);
    const type = msg.readInt32LE(ctlOff + off + 12);
    if (level === SOL_SOCKET && type === SCM_RIGHTS) {
      for (let p = align(CMSGHDR_SIZE); p + 4 <= len; p += 4) fds.push(msg.readInt32LE(ctlOff + off + p));
    }
    off += align(len);
  }
  return fds;
}
