/**
 * `ctr run`/`ctr tasks start` spawn the task's shim before the CLI framework loads: the shim's
 * Node start-up then overlaps with the CLI's own (oclif, the image, the snapshot). It waits on
 * its fd 3 for the task to run (one JSON line, ShimHandoff); startTask hands it over once the
 * task directory is ready. A shim nobody takes (usage error, --help, a failed create) reads EOF
 * when this process exits and exits at once, having made nothing.
 */
import type { Socket } from 'node:net';
import { shimEntryScript } from '../layout';
import { trace, traceEnv } from '../util/trace';
import { initEnv } from '../runtime/init-env';
import { PRESPAWNED_ARG, type ShimHandoff, type ShimReady } from './types';
import { globalSlot } from '../util/held-child';
import { reapChild, spawnWithSocket, SpawnedChild, SPAWN_SOCKET_FD } from '../sys/spawn';
import { takeEarlyChild, takeEarlySocket } from '../runtime/early-init';
import { EARLY_SHIM_ENV } from '../runtime/sync';

/**
 * Node options of the shim. No V8 flag: any V8 flag (--jitless, --max-semi-space-size, even
 * --expose-gc) makes V8 refuse the code cache embedded in the node binary for Node's own modules,
 * which the shim then compiles from source: ~6 ms more start-up on the `run` path and ~15 ms more
 * CPU per shim. Those flags kept an idle shim ~0.6 MB smaller (PSS with 50 running: 8.4-9.5 MB
 * with them, ~9.0 MB without; docs/bench.md). One V8 worker thread is a Node option: free.
 */
export const SHIM_NODE_FLAGS: string[] = ['--v8-pool-size=1'];

/** One libuv worker and one malloc arena: an idle shim needs no more, and each costs memory. */
export function shimEnv(): NodeJS.ProcessEnv {
  return initEnv({ UV_THREADPOOL_SIZE: '1', MALLOC_ARENA_MAX: '1', ...traceEnv() });
}

/** The shim's end of its socketpair with the starter (its READY_FD). */
const SHIM_SOCKET_INDEX = SPAWN_SOCKET_FD;

/**
 * Spawned by us; or started by ctr's launcher (`early`: its pid, our child), taken when used; or
 * (`self`) this process is the shim: a served `ctr run -d` (shim/serve-run.ts) takes its own task.
 */
interface Slot { pending?: SpawnedChild; early?: number; self?: (task: ShimHandoff) => Promise<ShimReady> }
const slot = (): Slot => globalSlot<Slot>('berth.prespawn.shim', () => ({}));

/** This process is the task's shim: `take` runs the task handed over (a served run, shim/serve-run.ts). */
export function serveShimHere(take: (task: ShimHandoff) => Promise<ShimReady>): void {
  slot().self = take;
}

/** The task's shim is this process: how it takes the task, once (undefined in any other process). */
export function takeSelfShim(): ((task: ShimHandoff) => Promise<ShimReady>) | undefined {
  const s = slot();
  const take = s.self;
  s.self = undefined;
  return take;
}

/** Starts a shim that waits for its task (root only: nobody else can start one), unless one waits already. */
export function prespawnShim(): void {
  const s = slot();
  if (s.pending || s.early !== undefined || s.self || process.geteuid?.() !== 0) return;
  const early = takeEarlyChild(EARLY_SHIM_ENV);
  if (early !== undefined) {
    s.early = early;
    // A run that fails before its task starts (no such image): gone with us.
    process.once('exit', () => { if (slot().early === early) discardEarlyShim(); });
    return;
  }
  try {
    // posix_spawn (sys/spawn.ts): until taken it keeps nobody alive.
    s.pending = spawnWithSocket([...SHIM_NODE_FLAGS, shimEntryScript(), PRESPAWNED_ARG], shimEnv(), 'null', { setsid: true });
  } catch {
    s.pending = undefined; // startTask spawns one as usual
  }
}

/** The prespawned shim, if one is still alive (re-referenced: it is ours to wait on now). */
export function takePrespawnedShim(): SpawnedChild | undefined {
  const s = slot();
  if (s.early !== undefined) {
    const pid = s.early;
    try {
      // Its end of the socket, now that it has one (runtime/early-init.ts); ours to wait on.
      const child = new SpawnedChild(pid, takeEarlySocket(pid));
      s.early = undefined;
      child.ref();
      trace(`early shim: claimed ${pid}`);
      return child;
    } catch {
      discardEarlyShim();
      return undefined;
    }
  }
  const child = s.pending;
  s.pending = undefined;
  if (!child) return undefined;
  child.reap(); // a SIGCHLD not handled yet: a dead shim is not handed a task
  const sock = child.exitCode === null && child.signalCode === null ? child.stdio[SHIM_SOCKET_INDEX] as Socket | null : null;
  if (!sock || sock.destroyed) return undefined;
  child.ref(); // ours to wait on now (start.ts unrefs it once the shim is ready)
  return child;
}

/** Kills and reaps a shim ctr's launcher started that no task will use (another command, a failure). */
export function discardEarlyShim(): void {
  const s = slot();
  const pid = s.early ?? takeEarlyChild(EARLY_SHIM_ENV);
  s.early = undefined;
  if (pid === undefined) return;
  try { process.kill(pid, 'SIGKILL'); } catch { /* ended */ }
  try { reapChild(pid); } catch { /* reaped */ }
  trace('early shim: discarded');
}

/** Should this ctr command line (globals hoisted: command words first) start a task? */
export function startsTask(args: string[]): boolean {
  const words = args[0] === 'run' ? 1 : ['tasks', 't', 'task'].includes(args[0] ?? '') && args[1] === 'start' ? 2 : 0;
  if (words === 0) return false;
  // --help prints and exits; after `--` it is the container's.
  for (const a of args.slice(words)) {
    if (a === '--') break;
    if (a === '--help' || a === '-h') return false;
  }
  return true;
}
