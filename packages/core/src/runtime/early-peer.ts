/**
 * The side of a process started by a launcher before its CLI (runc's early init, ctr's early
 * shim; runtime/early-init.ts is the CLI's side): it has no socket to the CLI, so it makes one and
 * offers the CLI's end at EARLY_PEER_FD for the CLI to take with pidfd_getfd, then waits until the
 * CLI writes on it. Loads nothing of the CLI's.
 */
import { closeFd, fdOpen, moveFd, waitReadable } from '../sys/file';
import { socketpair } from '../sys/socket';
import { EARLY_PEER_FD } from './sync';

/** How often the wait looks whether the CLI is still there, in ms. */
const CLI_CHECK_MS = 50;

/** Our end of a new socket whose other end waits at EARLY_PEER_FD; exits if that fd is in use. */
export function offerSocket(): number {
  if (fdOpen(EARLY_PEER_FD)) process.exit(0); // never hand out a file we did not make
  const [ours, theirs] = socketpair();
  moveFd(theirs, EARLY_PEER_FD, true);
  return ours;
}

/**
 * Waits until the CLI writes on `ours` (then drops the CLI's end: the CLI's exit must read as EOF
 * there, as for a spawned process), calling `idle` meanwhile; exits, untaken, once `cliThere()`
 * says the CLI is gone.
 */
export function awaitTaker(ours: number, cliThere: () => boolean, idle?: () => void): void {
  while (!waitReadable(ours, CLI_CHECK_MS)) {
    idle?.();
    if (!cliThere()) process.exit(0);
  }
  closeFd(EARLY_PEER_FD);
}
