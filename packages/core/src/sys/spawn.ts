/**
 * posix_spawn(3) instead of child_process: a Node process with a socket at its fd 3, for the
 * processes spawned ahead of need (the init stage, runtime/prespawn.ts; a task's shim,
 * tasks/prespawn.ts); helper programs (CNI plugins, a pod's pid holder); the container's
 * program (the exec stage). Node's
 * child_process costs ~2 ms to load and libuv's spawn forks the whole CLI (~2.5-4 ms, its page
 * tables copied) before the exec; glibc's posix_spawn shares the address space until the exec
 * (CLONE_VM|CLONE_VFORK): ~0.3 ms. Those spawns are on the critical path of every `run`/`create`
 * (the new process's Node start-up follows them). libuv does not
 * know such a child, so SpawnedChild waits for it itself: waitpid(pid, WNOHANG) on SIGCHLD
 * (libuv's own SIGCHLD handling waits for its children by pid only, never for this one).
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { SysError } from '../errors';
import { call, errnoName, fn } from './libc';
import { closeFd } from './file';
import { socketpair } from './socket';
import { sleepMs } from '../util/sleep';

/** What the callers use of a child process: Node's ChildProcess and SpawnedChild both have it. */
export interface ChildLike {
  readonly pid?: number;
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
  readonly stdio: readonly unknown[];
  kill(signal?: NodeJS.Signals | number): boolean;
  ref(): void;
  unref(): void;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
  off(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
}

const WNOHANG = 1;
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const POSIX_SPAWN_SETSID = 0x80;
const O_RDWR = 2;
const F_DUPFD_CLOEXEC = 1030;
/** glibc's posix_spawnattr_t is 336 bytes, posix_spawn_file_actions_t 80, sigset_t 128 (x86_64, arm64). */
const OPAQUE = 512;
/** The child's fd for its socket. */
export const SPAWN_SOCKET_FD = 3;

let signalNames: Map<number, NodeJS.Signals> | undefined;
function signalName(n: number): NodeJS.Signals | null {
  if (!signalNames) {
    signalNames = new Map();
    // The first name of a number (SIGABRT, not its alias SIGIOT).
    for (const [name, value] of Object.entries(constants.signals)) if (!signalNames.has(value)) signalNames.set(value, name as NodeJS.Signals);
  }
  return signalNames.get(n) ?? null;
}

/**
 * The children not reaped yet, all served by one SIGCHLD listener (installed while there are any):
 * a listener each went past Node's limit of 10 (a warning on stderr) when crictl removed 10 pods
 * side by side, each with its CNI plugins.
 */
const live = new Set<SpawnedChild>();
const onSigchld = (): void => { for (const c of [...live]) c.reap(); };

function watch(c: SpawnedChild): void {
  if (live.size === 0) process.on('SIGCHLD', onSigchld);
  live.add(c);
}

function unwatch(c: SpawnedChild): void {
  if (live.delete(c) && live.size === 0) process.off('SIGCHLD', onSigchld);
}

/** A child made by spawnWithSocket: unreferenced (it keeps nobody alive) until ref(). */
export class SpawnedChild extends EventEmitter implements ChildLike {
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  private sock: Socket | undefined;
  private fdOpen = true;
  private keepAlive: NodeJS.Timeout | undefined;

  /**
   * `fd`: our end of the child's socket (close-on-exec); -1 for none (a program reparented to us,
   * a child subreaper: exec's, runtime/exec.ts).
   */
  constructor(readonly pid: number, readonly fd: number = -1) {
    super();
    this.fdOpen = fd >= 0;
    watch(this);
    this.reap(); // an exit before the listener was there sent its SIGCHLD to nobody
  }

  /** fds 0-2 are not ours to hand out; index 3 is the socket, made a net.Socket when first asked for. */
  get stdio(): readonly unknown[] {
    if (!this.sock && (!this.fdOpen || this.exited())) return [null, null, null, null];
    this.sock ??= new (require('node:net') as typeof import('node:net')).Socket({ fd: this.fd, readable: true, writable: true });
    return [null, null, null, this.sock];
  }

  /**
   * Our end of the socket as a plain (blocking) fd, while no net.Socket was made of it and it is
   * open, handed over: the caller closes it (a reap on SIGCHLD no longer does, so that the fd
   * cannot be closed, and its number reused, under the caller's reads).
   */
  takeSocket(): number | undefined {
    if (this.sock || !this.fdOpen) return undefined;
    this.fdOpen = false;
    return this.fd;
  }

  /** Closes our end of the socket (once), whichever form it has. */
  closeSocket(): void {
    if (this.sock) {
      this.sock.destroy();
    } else if (this.fdOpen) {
      this.fdOpen = false;
      try { closeFd(this.fd); } catch { /* closed */ }
    }
  }

  /** Reaps it once it has exited, for up to `ms` (it closed its end, its exit is microseconds away). */
  waitExit(ms: number): void {
    for (let waited = 0; !this.exited() && waited < ms; waited += 1) {
      this.reap();
      if (!this.exited()) sleepMs(1);
    }
  }

  kill(signal: NodeJS.Signals | number = 'SIGTERM'): boolean {
    this.reap();
    if (this.exited()) return false; // reaped: the pid may be another process's by now
    try {
      process.kill(this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  ref(): void {
    // Something must hold the event loop while a caller waits for 'exit' (a signal listener does not).
    if (!this.exited()) this.keepAlive ??= setInterval(() => undefined, 2 ** 30);
  }

  unref(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }

  private exited(): boolean {
    return this.exitCode !== null || this.signalCode !== null;
  }

  /**
   * Reaps the child if it has exited, then says so ('exit', as ChildProcess does). Done on every
   * SIGCHLD, when the event loop turns; a caller that blocks it for long (the parked shim's
   * wait) calls this itself, or the child stays a zombie meanwhile.
   */
  reap(): void {
    if (this.exited()) return;
    const status = Buffer.alloc(4);
    const r = fn('int waitpid(int, void *, int)')(this.pid, status, WNOHANG) as number;
    if (r === 0) return;
    if (r === this.pid) {
      const st = status.readInt32LE(0);
      const sig = st & 0x7f;
      // A signal Node has no name for (real-time ones): its number as a shell would report it.
      if (sig === 0) this.exitCode = (st >> 8) & 0xff;
      else if (signalName(sig)) this.signalCode = signalName(sig);
      else this.exitCode = 128 + sig;
    } else {
      this.exitCode = 255; // ECHILD: reaped by someone else, its status unknown
    }
    unwatch(this);
    this.unref();
    if (!this.sock) this.closeSocket();
    process.nextTick(() => this.emit('exit', this.exitCode, this.signalCode));
  }
}

/** Waits for our child `pid` to end and reaps it (its status is nobody's business: unshare's). */
export function reapChild(pid: number): void {
  call('int waitpid(int, void *, int)', 'waitpid', `pid ${pid}`, pid, null, 0);
}

/**
 * posix_spawn(3) of `file` (a path) with the caller's fds (those not close-on-exec)
 * and the file actions `actions` adds; signal dispositions and mask at the defaults, as libuv's
 * children have them; `setsid`: in a session of its own (child_process's `detached`). glibc
 * reports a failed exec before returning: it is thrown as `what`'s error.
 */
function posixSpawn(file: string, argv: string[], envp: string[], o: { setsid: boolean; what: string; actions?: (a: Buffer) => void }): number {
  const attr = Buffer.alloc(OPAQUE);
  const actions = Buffer.alloc(OPAQUE);
  fn('int posix_spawnattr_init(void *)')(attr);
  fn('int posix_spawn_file_actions_init(void *)')(actions);
  try {
    o.actions?.(actions);
    // Signals 1-64, glibc's own two (32, 33) with them: sigfillset leaves those out, and the
    // spawned child would then get them ignored (it ignores the parent's handled internal
    // ones), which Node and the container's exec keep.
    const all = Buffer.alloc(128);
    all.fill(0xff, 0, 8);
    fn('int posix_spawnattr_setsigdefault(void *, void *)')(attr, all);
    fn('int posix_spawnattr_setsigmask(void *, void *)')(attr, Buffer.alloc(128));
    fn('int posix_spawnattr_setflags(void *, short)')(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (o.setsid ? POSIX_SPAWN_SETSID : 0));
    const pid = [0];
    const err = fn('int posix_spawn(_Out_ int *, const char *, void *, void *, const char **, const char **)')(
      pid, file, actions, attr, [...argv, null], [...envp, null]) as number;
    if (err !== 0) throw new SysError(o.what, errnoName(err), file);
    return pid[0] as number;
  } finally {
    fn('int posix_spawn_file_actions_destroy(void *)')(actions);
    fn('int posix_spawnattr_destroy(void *)')(attr);
  }
}

const envList = (env: Record<string, string | undefined>): string[] =>
  Object.entries(env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);

/**
 * Spawns `node ...nodeArgs` with `env` and one end of a new socketpair at fd 3; fds 0-2 are ours
 * ('inherit') or /dev/null ('null'). `setsid`: in a session of its own.
 */
export function spawnWithSocket(nodeArgs: string[], env: Record<string, string | undefined>, stdio: 'inherit' | 'null',
  { setsid = false } = {}): SpawnedChild {
  const [ours, theirs] = socketpair();
  try {
    const fds: Array<number | 'null'> = stdio === 'null' ? ['null', 'null', 'null'] : [0, 1, 2];
    return new SpawnedChild(spawnHelper(process.execPath, [process.execPath, ...nodeArgs], env, [...fds, theirs], { setsid }), ours);
  } catch (err) {
    closeFd(ours);
    throw err;
  } finally {
    closeFd(theirs);
  }
}

/**
 * posix_spawn(3) of a program by its path (a Node process spawned ahead of need, a CNI plugin, a
 * pod's pid holder, a parked shim) with `stdio` as its fds 0, 1, 2…: each an fd of ours (a
 * memFile, a socket; Node's own 0-2, which it keeps close-on-exec) or 'null' for /dev/null;
 * nothing else of ours is inherited but what is not close-on-exec. `cwd`: where it starts (ours
 * otherwise). Instead of child_process: libuv forks the whole CLI there, and on this kind of VM
 * that fork and the copy-on-write faults after it cost ~8 ms a spawn (crictl runp spawns four).
 * Wait for it with `new SpawnedChild(pid)`.
 */
export function spawnHelper(file: string, argv: string[], env: Record<string, string | undefined>, stdio: Array<number | 'null'>,
  { setsid = false, cwd }: { setsid?: boolean; cwd?: string } = {}): number {
  const copies: number[] = [];
  try {
    // Each source through a close-on-exec copy above the targets: one among the target numbers
    // could be overwritten by an earlier dup2, and dup2 onto itself keeps close-on-exec before
    // glibc 2.29 (a dup2 onto another fd clears it).
    const sources = stdio.map((source) => {
      if (source === 'null' || source >= stdio.length) return source;
      const copy = call('int fcntl(int, int, int)', 'fcntl', `F_DUPFD_CLOEXEC ${source}`, source, F_DUPFD_CLOEXEC, stdio.length);
      copies.push(copy);
      return copy;
    });
    return posixSpawn(file, argv, envList(env), {
      setsid, what: 'execve',
      actions: (actions) => {
        if (cwd !== undefined) fn('int posix_spawn_file_actions_addchdir_np(void *, const char *)')(actions, cwd);
        const dup2 = fn('int posix_spawn_file_actions_adddup2(void *, int, int)');
        const open = fn('int posix_spawn_file_actions_addopen(void *, int, void *, int, uint32_t)');
        sources.forEach((source, target) => {
          if (source === 'null') open(actions, target, Buffer.from('/dev/null\0'), O_RDWR, 0);
          else dup2(actions, source, target);
        });
      },
    });
  } finally {
    for (const fd of copies) closeFd(fd);
  }
}

/**
 * posix_spawn(3) of a program with the caller's fds (those not close-on-exec), credentials,
 * namespaces and cwd, signal dispositions and mask at the defaults, in a session of its own;
 * `tty`: the pty slave that becomes its stdio and controlling terminal. The exec stage's last step
 * (runtime/init/exec-stage.ts): the child is born into the PID namespace the caller joined for
 * its children. Throws the exec's error (glibc reports it before returning).
 */
export function spawnProgram(file: string, argv: string[], envp: string[], tty?: string, gate?: { fd: number; path: string }): number {
  // A session of its own, as runc's processes have (and the caller's job control stays out).
  return posixSpawn(file, argv, envp, {
    setsid: true, what: 'execve',
    actions: (actions) => {
      if (gate !== undefined) {
        // The child blocks in this open until a writer comes (the caller, once it has done what
        // must precede the program), then closes it. Opened onto the fd after the gate's: glibc
        // closes the target first, and the path names the gate's own fd (both copies are the
        // child's, close-on-exec anyway).
        fn('int posix_spawn_file_actions_addopen(void *, int, void *, int, uint32_t)')(actions, gate.fd + 1, Buffer.from(`${gate.path}\0`), 0 /* O_RDONLY */, 0);
        fn('int posix_spawn_file_actions_addclose(void *, int)')(actions, gate.fd + 1);
      }
      if (tty !== undefined) {
        // After the child's setsid (glibc runs it before the file actions): opened without
        // O_NOCTTY by a session leader without a terminal, the pty becomes its controlling one.
        fn('int posix_spawn_file_actions_addopen(void *, int, void *, int, uint32_t)')(actions, 0, Buffer.from(`${tty}\0`), O_RDWR, 0);
        const dup2 = fn('int posix_spawn_file_actions_adddup2(void *, int, int)');
        dup2(actions, 0, 1);
        dup2(actions, 0, 2);
      }
    },
  });
}
