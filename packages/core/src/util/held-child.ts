/**
 * Children spawned ahead of need (a runc init stage, a task's shim, a shim's init stage): held in a
 * per-process slot until the command takes them, and until then kept from holding this process
 * alive (`run --help`, a usage error: the child then reads EOF on its socket and exits).
 */
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

/**
 * The process's slot named `name`, on globalThis: launch.js may run a copy of the module that
 * fills it (a CLI's dist/prespawn.bundle.js) before the CLI's bundle, whose copy then takes it.
 */
export function globalSlot<T extends object>(name: string, init: () => T): T {
  const g = globalThis as unknown as Record<symbol, T | undefined>;
  return (g[Symbol.for(name)] ??= init());
}

/** Until taken, the child and its socket do not keep this process alive, and their errors are its. */
export function hold(child: ChildProcess, socketIndex: number): void {
  const sock = child.stdio[socketIndex] as Socket;
  child.unref();
  sock.unref();
  // A child killed before it read what was sent (unfit, or undone) resets the socket.
  sock.on('error', () => undefined);
  child.on('error', () => undefined);
}

/** Taken: ours to wait on now. */
export function take(child: ChildProcess, socketIndex: number): void {
  child.ref();
  (child.stdio[socketIndex] as Socket).ref();
}
