/**
 * Typed errors thrown by core functions. Commands print `err.message` as one line and exit
 * non-zero; `--debug` adds the stack. Messages name the object and the cause.
 */
export class BerthError extends Error {
  /** A stable machine-readable code, also used for exit-code decisions by the CLIs. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The named object does not exist (container, image, snapshot...). */
export class NotFoundError extends BerthError {
  constructor(message: string) { super('ENOTFOUND', message); }
}

/** The named object exists already. */
export class AlreadyExistsError extends BerthError {
  constructor(message: string) { super('EEXISTS', message); }
}

/** A flag, an id, a reference or a file's content is not valid. */
export class InvalidArgumentError extends BerthError {
  constructor(message: string) { super('EINVAL', message); }
}

/** The object is in a state that does not allow the operation (e.g. delete of a running container). */
export class StateError extends BerthError {
  constructor(message: string) { super('ESTATE', message); }
}

/** The machine cannot do what was asked (missing kernel feature, unsupported option). */
export class UnsupportedError extends BerthError {
  constructor(message: string) { super('ENOTSUP', message); }
}

/**
 * The caller gave up (crictl's SIGINT or SIGTERM, or its --cancel-timeout) while the work waited
 * on a helper: what it had made is undone before this is thrown.
 */
export class CanceledError extends BerthError {
  /** Given up at a deadline (crictl's --cancel-timeout), not by a signal. */
  readonly deadline: boolean;
  constructor(message: string, deadline = false) {
    super('ECANCELED', message);
    this.deadline = deadline;
  }
}

/** A system call failed; `errno` is the symbolic name (e.g. "EPERM"). */
export class SysError extends BerthError {
  readonly errno: string;
  readonly syscall: string;
  constructor(syscall: string, errno: string, detail?: string) {
    super('ESYS', `${syscall}${detail ? ` ${detail}` : ''}: ${errnoText(errno)}`);
    this.errno = errno;
    this.syscall = syscall;
  }
}

const ERRNO_TEXT: Record<string, string> = {
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ESRCH: 'no such process',
  EINTR: 'interrupted system call',
  EIO: 'input/output error',
  EBADF: 'bad file descriptor',
  ECHILD: 'no child processes',
  EAGAIN: 'resource temporarily unavailable',
  ENOMEM: 'cannot allocate memory',
  EACCES: 'permission denied',
  ENOEXEC: 'exec format error',
  EFAULT: 'bad address',
  EBUSY: 'device or resource busy',
  EEXIST: 'file exists',
  EXDEV: 'invalid cross-device link',
  ENODEV: 'no such device',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EINVAL: 'invalid argument',
  ENFILE: 'too many open files in system',
  EMFILE: 'too many open files',
  ENOTTY: 'inappropriate ioctl for device',
  ETXTBSY: 'text file busy',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EPIPE: 'broken pipe',
  ERANGE: 'numerical result out of range',
  ENOSYS: 'function not implemented',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  ENOTEMPTY: 'directory not empty',
  EOPNOTSUPP: 'operation not supported',
  ECONNREFUSED: 'connection refused',
};

export function errnoText(name: string): string {
  return ERRNO_TEXT[name] ?? name;
}
