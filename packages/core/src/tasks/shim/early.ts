/**
 * A shim started by ctr's launcher (packages/ctr/bin/early-shim.sh) before the CLI's own Node, as
 * runc's launcher starts an init (runtime/early-init.ts has the mechanism): it has no socket to
 * its starter yet, so it makes one and leaves the starter's end at EARLY_PEER_FD, which the starter
 * takes with pidfd_getfd when it hands the task over. Its own end stays where socketpair put it
 * (fd 3, a spawned shim's, is Node's own by now). The launcher's `setsid` execs us in its own
 * place: our parent is the CLI itself.
 */
import { closeFd, fdOpen, moveFd, waitReadable } from '../../sys/file';
import { socketpair } from '../../sys/socket';
import { EARLY_PARENT_ENV, EARLY_PEER_FD } from '../../runtime/sync';

/** How often the wait looks whether the starter is still our parent, in ms. */
const STARTER_CHECK_MS = 50;

/** For an early shim, the starter's pid and our end of the socket made for it; undefined for any other shim. */
export function earlyStarter(): { starter: number; fd: number } | undefined {
  const v = process.env[EARLY_PARENT_ENV];
  if (v === undefined) return undefined;
  delete process.env[EARLY_PARENT_ENV];
  const starter = Number(v);
  // Nobody to take us (the CLI gone already), or fds we would not make ourselves: nothing to do.
  if (process.ppid !== starter || fdOpen(EARLY_PEER_FD)) process.exit(0);
  const [ours, theirs] = socketpair();
  moveFd(theirs, EARLY_PEER_FD, true);
  return { starter, fd: ours };
}

/**
 * Waits until the starter writes its task (then drops the starter's end: its exit must read as
 * EOF, as for a spawned shim), calling `idle` meanwhile; exits once the starter is gone.
 */
export function awaitStarter(readyFd: number, starter: number, idle: () => void): void {
  while (!waitReadable(readyFd, STARTER_CHECK_MS)) {
    idle();
    if (process.ppid !== starter) process.exit(0);
  }
  closeFd(EARLY_PEER_FD);
}
