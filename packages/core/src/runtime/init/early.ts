/**
 * The init side of an early init (runtime/early-init.ts has the whole story). Started by runc's
 * shell launcher as `unshare --pid --fork node init.js`, before the CLI's Node, it has no sync
 * socket yet: it makes one, leaves the CLI's end at EARLY_PEER_FD for the CLI to take with
 * pidfd_getfd, and waits until the CLI writes on it (then drops that end, so that the CLI's exit
 * reads as EOF, as for any init) or the CLI is gone (then it exits: nobody took it).
 */
import * as fs from 'node:fs';
import { isSameProcess, procStat } from '../../sys/proc';
import { socketpair } from '../../sys/socket';
import { closeFd, fdOpen, moveFd, waitReadable } from '../../sys/file';
import { EARLY_PEER_FD } from '../sync';

/** How often the wait looks whether the CLI is still there, in ms. */
const CLI_CHECK_MS = 50;

/** Our end of the sync socket once the CLI has taken its own; exits when no CLI does. */
export function earlyChannel(cliPid: number): number {
  // We are PID 1 of a new namespace: getppid() says 0 and pidfd_open cannot name the CLI. /proc
  // is still the host's, where our pid, unshare's and the CLI's are the host's ones. Our parent
  // must be unshare, and its parent the CLI the launcher became; anything else (the launcher
  // gone, unshare killed before its fork was done) leaves nobody to take us.
  const unsharePid = procStat(Number(fs.readlinkSync('/proc/self')))?.ppid;
  const cli = procStat(cliPid);
  if (unsharePid === undefined || cli === undefined || procStat(unsharePid)?.ppid !== cliPid) process.exit(0);
  if (fdOpen(EARLY_PEER_FD)) process.exit(0); // never hand out a file we did not make
  const [ours, theirs] = socketpair();
  moveFd(theirs, EARLY_PEER_FD, true);
  while (!waitReadable(ours, CLI_CHECK_MS)) {
    if (!isSameProcess(cliPid, cli.startTime)) process.exit(0);
  }
  closeFd(EARLY_PEER_FD);
  return ours;
}
