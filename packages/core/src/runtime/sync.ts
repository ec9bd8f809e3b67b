/**
 * The parent <-> init stage protocol: JSON lines over a socketpair (the init's fd is named
 * by _BERTH_SYNC_FD). Like runc's init pipe, it carries the config in and progress out.
 */
import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { LinuxNamespaceType, POSIXRlimit, Process, Spec } from '../oci/types';
import { sleepMs } from '../util/sleep';

const osErrno = osConstants.errno;

export interface InitConfig {
  /** create: a new container; exec: a new process in a running container. */
  mode: 'create' | 'exec';
  id: string;
  bundle: string;
  rootfs: string;
  spec: Spec;
  /** exec mode: the process to run (create mode uses spec.process). */
  process?: Process;
  /** cgroup.procs files the init writes itself into (after its own start-up, so Node's
   * start-up memory is not charged to the container). */
  cgroupProcs: string[];
  /** For `cgroup` mounts: each hierarchy's mount name ("cpu,cpuacct"; "" on v2) and the container's dir in it. */
  cgroupMounts: { name: string; dir: string }[];
  execFifo: string;
  noPivot: boolean;
  noNewKeyring: boolean;
  preserveFds: number;
  /** fd (in the init) of the connected console socket, when process.terminal. */
  consoleFd?: number;
  /** In a user namespace the init cannot write the host's cgroupfs: it asks the parent to move it. */
  cgroupViaParent?: boolean;
  /** Devices are bind-mounted from the host (mknod is not allowed in a user namespace). */
  bindDevices?: boolean;
  /** Namespaces to join by path (pid is joined by the parent, which spawns the init inside it). */
  joinNamespaces: { type: LinuxNamespaceType; path: string }[];
  /** exec mode: run the process detached in its own session. */
  noNewPrivileges?: boolean;
  /**
   * exec mode: the container's PID namespace, which the stage joins for its child only (the
   * program): the stage itself is never a process of the container (exec-stage.ts).
   */
  pidNamespace?: string;
  /**
   * exec mode, with deferred rlimits: a FIFO the program opens before its execve, which blocks it
   * until the caller has set them (runtime/exec.ts openExecGate).
   */
  execGate?: string;
}

/**
 * Limits exec's stage leaves to its caller, which sets them on the program by pid: below Node's
 * own address space or thread count they would stop the stage from spawning it (exec-stage.ts).
 */
export const DEFERRED_RLIMITS: ReadonlySet<string> = new Set(['RLIMIT_AS', 'RLIMIT_DATA', 'RLIMIT_NPROC']);

/** The process's rlimits that are DEFERRED_RLIMITS. */
export function deferredRlimits(proc: Process): POSIXRlimit[] {
  return (proc.rlimits ?? []).filter((r) => DEFERRED_RLIMITS.has(r.type));
}

/** Why a spawn under the container's seccomp profile fails with EPERM (exec-stage.ts). */
export const SECCOMP_SPAWN_HINT = "berth's exec spawns the program under the container's seccomp profile, which must allow clone3 or fail it with ENOSYS, as Docker's and containerd's defaults do";

/**
 * exec's stage past "spawning" has no socket: it exits with the errno of a failed spawn (1-133),
 * SPAWN_FAILED without one, read back by spawnFailure. A signal or 255 is a stage that died.
 */
export const SPAWN_FAILED = 254;

export function spawnFailureStatus(err: unknown): number {
  const name = (err as { errno?: string }).errno;
  const n = name ? (osErrno as Record<string, number>)[name] : undefined;
  return n !== undefined && n > 0 && n < 200 ? n : SPAWN_FAILED;
}

/** The errno name of a spawnFailureStatus, or undefined. */
export function spawnFailure(status: number): string | undefined {
  if (status === SPAWN_FAILED) return undefined;
  return Object.keys(osErrno).find((k) => (osErrno as Record<string, number>)[k] === status);
}

export type InitMessage =
  | { type: 'join-cgroup'; pid: number }
  | { type: 'hooks' }
  /** exec: the program is about to be spawned, and will wait at the execGate. */
  | { type: 'spawning' }
  /** exec's carries the program's pid (in the parent's PID namespace): it runs, the stage exits. */
  | { type: 'ready'; pid?: number }
  | { type: 'error'; message: string };

export type ParentMessage =
  | { type: 'config'; config: InitConfig }
  /**
   * create: the container's cgroup is made and holds the init. The config comes first, so that the
   * init builds its namespaces and mounts while the parent makes the cgroup; it waits for this
   * before its cgroup namespace, cgroup mounts and devices (init/create-stage.ts).
   */
  | { type: 'cgroup-ready' }
  | { type: 'cgroup-joined' }
  | { type: 'hooks-done'; pid: number }
  | { type: 'error'; message: string };

export const SYNC_FD_ENV = '_BERTH_SYNC_FD';
/** Set when the init takes its fds 0-2 from the sync socket first (a shim's prespawned init: prespawn.ts). */
export const STDIO_BY_SOCKET_ENV = '_BERTH_STDIO_BY_SOCKET';
/**
 * An init started by runc's shell launcher before the CLI's own Node (runtime/early-init.ts):
 * the CLI's pid, which the init waits for, given to the init; and unshare(1)'s pid, given to the CLI.
 */
export const EARLY_PARENT_ENV = '_BERTH_EARLY_PARENT';
export const EARLY_INIT_ENV = '_BERTH_EARLY_INIT';
/** The same for a shim started by ctr's launcher (tasks/prespawn.ts): its pid, given to the CLI. */
export const EARLY_SHIM_ENV = '_BERTH_EARLY_SHIM';
/** Where an early init holds the CLI's end of its sync socket until the CLI takes it (pidfd_getfd). */
export const EARLY_PEER_FD = 100;
/** Set when the init's stderr arrives on another fd (see create.ts, user namespaces). */
export const STDERR_FD_ENV = '_BERTH_STDERR_FD';

/** The parent stopped the init (e.g. a hook failed): the parent reports it, the init just exits. */
export class ParentAbort extends Error {}

/** Synchronous reader for the init side (the init stage must not use libuv's threads). */
/**
 * JSON lines over a blocking socket, synchronously: the init's side (the defaults), and the
 * parent's side of a prespawned init (runtime/converse.ts, the other way round).
 */
export class SyncChannel<Out extends { type: string } = InitMessage, In extends { type: string } = ParentMessage> {
  /** Bytes read past the last full line: a line is decoded whole (a UTF-8 character may straddle two reads). */
  private buf = Buffer.alloc(0);
  constructor(readonly fd: number) {}

  send(msg: Out): void {
    const data = Buffer.from(`${JSON.stringify(msg)}\n`);
    let off = 0;
    while (off < data.length) off += fs.writeSync(this.fd, data, off);
  }

  receive(): In {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) {
        const line = this.buf.toString('utf8', 0, nl);
        this.buf = this.buf.subarray(nl + 1);
        return JSON.parse(line) as In;
      }
      const chunk = Buffer.alloc(65536);
      let n: number;
      try {
        n = fs.readSync(this.fd, chunk, 0, chunk.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') { sleepMs(1); continue; }
        throw err;
      }
      if (n === 0) throw new ParentAbort('parent closed the sync channel');
      this.buf = this.buf.length === 0 ? chunk.subarray(0, n) : Buffer.concat([this.buf, chunk.subarray(0, n)]);
    }
  }
}

