/**
 * An init stage started before the CLI's own Node: runc's `run` and `create`.
 *
 * launch.js spawns the init (prespawn.ts) once the CLI's Node is up: on a slow machine ~60 ms of a
 * ~200 ms `run` pass before the init's own ~70 ms Node start-up even begins. runc's shell launcher
 * (packages/runc/bin/early-init.sh) starts it first instead, as `unshare --pid --fork node
 * init.js` in the background, and then execs the CLI's Node in its own place (the same pid, so
 * unshare is the CLI's child). A shell cannot make a socketpair: the init makes one
 * (init/early.ts) and leaves the CLI's end at EARLY_PEER_FD, which the CLI takes out of it with
 * pidfd_getfd — something only a process with ptrace rights over that root-owned, non-dumpable
 * init can do. The CLI then kills unshare while it is a child subreaper, so the init becomes its
 * child, as a spawned one is. An early init the command does not use (another command, a spec
 * that is not the plain case) is killed; one nobody takes exits when the CLI does.
 */
import * as fs from 'node:fs';
import { EARLY_INIT_ENV, EARLY_PEER_FD } from './sync';
import { procStat } from '../sys/proc';
import { reapChild, SpawnedChild } from '../sys/spawn';
import { sleepMs } from '../util/sleep';
import { trace } from '../util/trace';

/** How long the CLI waits for the init to make its socket (its Node start-up), in ms. */
const CLAIM_WAIT_MS = 5000;

/** unshare's pid when the launcher started an early init; read from the environment once. */
export function takeEarlyInit(): number | undefined {
  const v = process.env[EARLY_INIT_ENV];
  if (v === undefined) return undefined;
  delete process.env[EARLY_INIT_ENV]; // not for hooks, nor for the init we may spawn ourselves
  const pid = Number(v);
  return Number.isInteger(pid) && pid > 0 && procStat(pid)?.ppid === process.pid ? pid : undefined;
}

/** The init unshare forked (its only child), if it has yet. */
function initOf(unsharePid: number): number | undefined {
  try {
    const first = fs.readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(' ')[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

const gone = (pid: number): boolean => {
  const st = procStat(pid)?.state;
  return st === undefined || st === 'Z' || st === 'X';
};

/** The init, once unshare has forked it (at once: a C program); undefined if unshare ended first. */
function awaitInit(unsharePid: number): number | undefined {
  for (let waited = 0; waited < CLAIM_WAIT_MS; waited++) {
    const init = initOf(unsharePid);
    if (init !== undefined || gone(unsharePid)) return init;
    sleepMs(1);
  }
  return undefined;
}

/**
 * Ends unshare, the init reparented to us meanwhile (a child subreaper for that moment only); true
 * when the init is our child now. unshare is killed, not let to reap a killed init: it blocks
 * SIGTERM and SIGINT for itself, fails aloud on re-raising a SIGKILL, and a wait on it could hang.
 */
function adopt(unsharePid: number, init: number | undefined): boolean {
  const { setChildSubreaper } = require('../sys/prctl') as typeof import('../sys/prctl');
  setChildSubreaper(true);
  try {
    try { process.kill(unsharePid, 'SIGKILL'); } catch { /* ended */ }
    try { reapChild(unsharePid); } catch { /* reaped */ }
  } finally {
    setChildSubreaper(false);
  }
  return init !== undefined && procStat(init)?.ppid === process.pid;
}

/** Kills an early init nobody will use, and reaps it and unshare. */
export function discardEarlyInit(unsharePid: number): void {
  const init = awaitInit(unsharePid);
  if (adopt(unsharePid, init)) {
    try { process.kill(init as number, 'SIGKILL'); } catch { /* ended */ }
    try { reapChild(init as number); } catch { /* reaped */ }
  }
  trace('early init: discarded');
}

/** The early init as our child with its sync socket, or undefined (it was discarded: spawn one). */
export function claimEarlyInit(unsharePid: number): SpawnedChild | undefined {
  const { pidfdGetfd, pidfdOpen } = require('../sys/pidfd') as typeof import('../sys/pidfd');
  const { closeFd } = require('../sys/file') as typeof import('../sys/file');
  const { peerCred } = require('../sys/socket') as typeof import('../sys/socket');
  const init = awaitInit(unsharePid);
  let peer: number | undefined;
  let pidfd: number | undefined;
  try {
    if (init === undefined) throw new Error('no init');
    pidfd = pidfdOpen(init);
    for (let waited = 0; peer === undefined; waited++) {
      try {
        const fd = pidfdGetfd(pidfd, EARLY_PEER_FD);
        // Its socket, made by the init itself (a socketpair's peer is its maker), nothing else.
        if (peerCred(fd).pid === init) peer = fd; else closeFd(fd);
      } catch (err) {
        if ((err as { errno?: string }).errno !== 'EBADF') throw err; // not made yet
      }
      if (peer === undefined && (waited >= CLAIM_WAIT_MS || gone(init))) throw new Error('no socket');
      if (peer === undefined) sleepMs(1);
    }
  } catch {
    if (peer !== undefined) closeFd(peer);
    discardEarlyInit(unsharePid);
    return undefined;
  } finally {
    if (pidfd !== undefined) closeFd(pidfd);
  }
  // unshare is reaped now, whatever the answer: never signalled again.
  if (!adopt(unsharePid, init)) {
    closeFd(peer);
    return undefined;
  }
  trace(`early init: claimed ${init}`);
  return new SpawnedChild(init, peer);
}
