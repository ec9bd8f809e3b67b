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
  return takeEarlyChild(EARLY_INIT_ENV);
}

/**
 * The pid in `name` (set by a launcher for the process it started), if it is our child; the
 * variable goes from our environment (not for hooks, shims or inits we spawn ourselves).
 */
export function takeEarlyChild(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined) return undefined;
  delete process.env[name];
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
  const { getChildSubreaper, setChildSubreaper } = require('../sys/prctl') as typeof import('../sys/prctl');
  const was = getChildSubreaper(); // it survives execve: a caller's may be ours already
  if (!was) setChildSubreaper(true);
  try {
    try { process.kill(unsharePid, 'SIGKILL'); } catch { /* ended */ }
    try { reapChild(unsharePid); } catch { /* reaped */ }
  } finally {
    if (!was) setChildSubreaper(false);
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

/**
 * The end of its socket an early process (init or shim) keeps at EARLY_PEER_FD for us, once it has
 * made it (it may still be starting: waited for, up to CLAIM_WAIT_MS); checked to be the
 * process's own socketpair (SO_PEERCRED names a socketpair's maker), nothing else of it.
 */
export function takeEarlySocket(pid: number): number {
  const { pidfdGetfd, pidfdOpen } = require('../sys/pidfd') as typeof import('../sys/pidfd');
  const { closeFd } = require('../sys/file') as typeof import('../sys/file');
  const { peerCred } = require('../sys/socket') as typeof import('../sys/socket');
  const pidfd = pidfdOpen(pid);
  try {
    for (let waited = 0; ; waited++) {
      let fd: number | undefined;
      try {
        fd = pidfdGetfd(pidfd, EARLY_PEER_FD);
      } catch (err) {
        if ((err as { errno?: string }).errno !== 'EBADF') throw err; // not made yet
      }
      if (fd !== undefined) {
        let ours = false;
        try { ours = peerCred(fd).pid === pid; } catch { /* not a socket */ }
        if (ours) return fd;
        closeFd(fd);
        throw new Error(`process ${pid}: fd ${EARLY_PEER_FD} is not its socket`);
      }
      if (waited >= CLAIM_WAIT_MS || gone(pid)) throw new Error(`process ${pid}: no socket`);
      sleepMs(1);
    }
  } finally {
    closeFd(pidfd);
  }
}

/** The early init as our child with its sync socket, or undefined (it was discarded: spawn one). */
export function claimEarlyInit(unsharePid: number): SpawnedChild | undefined {
  const init = awaitInit(unsharePid);
  let peer: number;
  try {
    if (init === undefined) throw new Error('no init');
    peer = takeEarlySocket(init);
  } catch {
    discardEarlyInit(unsharePid);
    return undefined;
  }
  // unshare is reaped now, whatever the answer: never signalled again.
  if (!adopt(unsharePid, init)) {
    (require('../sys/file') as typeof import('../sys/file')).closeFd(peer);
    return undefined;
  }
  trace(`early init: claimed ${init}`);
  return new SpawnedChild(init, peer);
}
