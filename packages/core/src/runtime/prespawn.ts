/**
 * `run`/`create` start the init stage before the CLI framework loads: its Node start-up (the
 * longest step of a create) then overlaps with the CLI's own (oclif, parsing, validation). Only
 * the plain case is taken (no console socket, no preserved fds, no terminal, no user namespace);
 * createContainer checks the bundle matches and uses it, or kills it and spawns as usual. An
 * init nobody takes exits by itself when our end of its sync socket closes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initStageScript } from '../layout';
import type { Spec } from '../oci/types';
import { initEnv } from './init-env';
import { STDIO_BY_SOCKET_ENV, SYNC_FD_ENV } from './sync';
import { spawnInPidNamespace } from './pidns';
import { primeCgroupAttach } from './cgroup-join';
import { trace, traceEnv } from '../util/trace';
import { globalSlot } from '../util/held-child';
import { spawnWithSocket, SPAWN_SOCKET_FD, type SpawnedChild } from '../sys/spawn';
import { claimEarlyInit, discardEarlyInit, takeEarlyInit } from './early-init';
import { PRESPAWN_BLOCKERS } from './prespawn-blockers';

interface Prespawned {
  /** Spawned by us; or, for runc, started by its launcher (`early`: unshare's pid), taken when used. */
  child?: SpawnedChild;
  early?: number;
  /** The bundle it was spawned for (runc's), or undefined: any whose PID namespace is `pidNs` (the shim's). */
  bundle?: string;
  /** pidNamespaceOf the spec it was spawned for. */
  pidNs: string;
  /** It waits for its fds 0-2 on the sync socket before its config (STDIO_BY_SOCKET_ENV). */
  stdioBySocket: boolean;
}

interface Slot { tried: boolean; pending?: Prespawned }
const slot = (): Slot => globalSlot<Slot>('berth.prespawn', () => ({ tried: false }));

/** The stdio index of the sync socket when nothing else is passed (0-2 inherited). */
export const PLAIN_SYNC_INDEX = SPAWN_SOCKET_FD;

const BLOCKERS: ReadonlySet<string> = new Set(PRESPAWN_BLOCKERS);

/**
 * `argv` is the command line after the command name (`run`/`create`), flags first. `prime`:
 * start paying the cgroup moves' grace period now (cgroup-join.ts); launch.js's early call
 * leaves it to the CLI's, ~10 ms later, closer to create's moves.
 */
export function prespawnInit(argv: string[], prime = true): void {
  const s = slot();
  if (s.tried) {
    if (s.pending && prime) primeCgroupAttach();
    return;
  }
  s.tried = true;
  const early = takeEarlyInit();
  let held: ReturnType<typeof heldFor>;
  try {
    held = heldFor(argv);
  } catch {
    held = undefined; // a config.json that is JSON but no spec: create reports it
  }
  if (held === undefined) {
    if (early !== undefined) discardEarlyInit(early);
    return;
  }
  const { spec, bundle } = held;
  if (early !== undefined && pidNamespaceOf(spec) === 'new') {
    s.pending = { early, bundle, pidNs: 'new', stdioBySocket: false };
    // A create that fails before it takes it (an id in use, a bad spec): gone with us, not 50 ms later.
    process.once('exit', () => { if (slot().pending?.early === early) discardEarlyInit(early); });
    trace(`prespawn: early init held (unshare ${early})`);
  } else {
    if (early !== undefined) discardEarlyInit(early); // made for a new PID namespace only
    if (!spawnHeld(s, spec, 'inherit', bundle)) return;
  }
  if (prime) primeCgroupAttach();
}

/** The bundle and spec of a command line whose init can be started early (the plain case). */
function heldFor(argv: string[]): { spec: Spec; bundle: string } | undefined {
  if (process.env.LISTEN_FDS || process.geteuid?.() !== 0) return undefined;
  let bundle = '.';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.split('=')[0];
    if (BLOCKERS.has(name)) return undefined;
    if (name === '-b' || name === '--bundle') bundle = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i] ?? '.';
  }
  bundle = path.resolve(bundle);
  let spec: Spec;
  try {
    spec = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8')) as Spec;
  } catch {
    return undefined; // create reports it
  }
  return plainSpec(spec) ? { spec, bundle } : undefined;
}

/** A spec the plain case serves: no terminal, no user namespace. */
function plainSpec(spec: Spec): boolean {
  const ns = spec.linux?.namespaces;
  return Array.isArray(ns) && !spec.process?.terminal && !ns.some((n) => n?.type === 'user');
}

/** The PID namespace a spec's init is spawned in: the host's, a new one, or the one at a path. */
function pidNamespaceOf(spec: Spec): string {
  const ns = spec.linux?.namespaces?.find((n) => n.type === 'pid');
  return ns === undefined ? 'host' : ns.path ? `join ${ns.path}` : 'new';
}

/**
 * Spawns the init stage in the spec's PID namespace and holds it in the slot; false when that
 * failed (create spawns as usual and reports any error). `stdio` 'ignore': it takes its fds 0-2
 * from the sync socket first (sendStdio), as the shim's does.
 */
function spawnHeld(s: Slot, spec: Spec, stdio: 'inherit' | 'ignore', bundle?: string): boolean {
  const bySocket = stdio === 'ignore';
  try {
    // posix_spawn, not child_process: sys/spawn.ts. Until taken it keeps nobody alive.
    const child = spawnInPidNamespace(spec, () => spawnWithSocket([initStageScript()],
      initEnv({ [SYNC_FD_ENV]: String(PLAIN_SYNC_INDEX), ...(bySocket ? { [STDIO_BY_SOCKET_ENV]: '1' } : {}), ...traceEnv() }),
      bySocket ? 'null' : 'inherit'));
    s.pending = { child, bundle, pidNs: pidNamespaceOf(spec), stdioBySocket: bySocket };
    trace(`prespawn: init spawned ${child.pid}`);
    return true;
  } catch {
    s.pending = undefined;
    return false;
  }
}

/** A new PID namespace, the plain case the shim's prespawned init is made for. */
const NEW_PID_NAMESPACE: Spec = { ociVersion: '1.0.2', linux: { namespaces: [{ type: 'pid' }] } };

/**
 * A prespawned shim starts the init stage of its container while it waits for its task, before
 * the spec exists: the init's Node start-up (~15 ms, the longest step of a create) then overlaps
 * with the starter's work (image, snapshot, spec). Its stdio is not known yet either, so the
 * init takes fds 0-2 from the sync socket (sendStdio) before its config. Without `spec` it is
 * made for the plain case, a new PID namespace. Once the shim has its task it calls this again
 * with the task's spec: an init held for another PID namespace (a CRI container joins its pod's)
 * is replaced at once, before the create's own work, one the spec cannot use (a terminal) is
 * killed; one that fits is kept.
 */
export function prespawnShimInit(spec: Spec = NEW_PID_NAMESPACE): void {
  const s = slot();
  const held = s.pending;
  if (held) {
    if (held.bundle === undefined && held.pidNs === pidNamespaceOf(spec) && plainSpec(spec)) return;
    s.pending = undefined;
    try { held.child?.kill('SIGKILL'); } catch { /* gone */ }
  } else if (s.tried) {
    return; // taken already, or not spawned (a spec that is not the plain case, a failed spawn)
  }
  s.tried = true;
  if (plainSpec(spec)) spawnHeld(s, spec, 'ignore');
}

/** Reaps a held init that has died (see SpawnedChild.reap). */
export function reapPrespawned(): void {
  slot().pending?.child?.reap();
}

/**
 * The prespawned init for this bundle and spec, if any (re-referenced: it is ours to wait on
 * now); one that does not fit is killed. Its stdio, when it waits for it, is ours (fds 0-2).
 */
export function takePrespawned(bundle: string, spec: Spec, usable: boolean): SpawnedChild | undefined {
  const s = slot();
  const p = s.pending;
  s.pending = undefined;
  if (!p) return undefined;
  const fits = p.bundle !== undefined ? p.bundle === bundle : p.pidNs === pidNamespaceOf(spec);
  if (p.child === undefined) {
    // runc launcher's init: ours only now (early-init.ts); undefined when it failed (spawn anew).
    if (!usable || !fits || pidNamespaceOf(spec) !== 'new') {
      discardEarlyInit(p.early as number);
      return undefined;
    }
    const child = claimEarlyInit(p.early as number);
    child?.ref(); // ours to wait on now
    return child;
  }
  // Its exit may wait in a SIGCHLD not handled yet (the CLI has not yielded since it started):
  // a dead one is replaced by a fresh spawn, not handed on.
  p.child.reap();
  if (!usable || !fits || p.child.exitCode !== null || p.child.signalCode !== null) {
    try { p.child.kill('SIGKILL'); } catch { /* gone */ }
    return undefined;
  }
  if (p.stdioBySocket) {
    try {
      sendStdio(p.child.fd);
    } catch {
      try { p.child.kill('SIGKILL'); } catch { /* gone */ }
      return undefined;
    }
  }
  p.child.ref(); // ours to wait on now
  return p.child;
}

/** Our fds 0-2 to the init, by SCM_RIGHTS on its sync socket, before anything else is written there. */
function sendStdio(fd: number): void {
  const { sendFd } = require('../sys/socket') as typeof import('../sys/socket');
  for (const i of [0, 1, 2]) sendFd(fd, i, String(i));
}
