/**
 * Children spawned ahead of need (a runc init stage, a task's shim, a shim's init stage) are held
 * in a per-process slot until the command takes them (sys/spawn.ts: until then they keep nobody
 * alive; `run --help`, a usage error: the child reads EOF on its socket and exits).
 */

/**
 * The process's slot named `name`, on globalThis: launch.js may run a copy of the module that
 * fills it (a CLI's dist/prespawn.bundle.js) before the CLI's bundle, whose copy then takes it.
 */
export function globalSlot<T extends object>(name: string, init: () => T): T {
  const g = globalThis as unknown as Record<symbol, T | undefined>;
  return (g[Symbol.for(name)] ??= init());
}
