/**
 * The init side of an early init (runtime/early-init.ts has the whole story, runtime/early-peer.ts
 * the socket). Started by runc's shell launcher as `unshare --pid --fork node init.js`, before the
 * CLI's Node, it has no sync socket yet: it offers one and waits until the CLI writes on it, or
 * exits once the CLI is gone.
 */
import * as fs from 'node:fs';
import { isSameProcess, procStat } from '../../sys/proc';
import { awaitTaker, offerSocket } from '../early-peer';
import { settleYoungGeneration } from '../../util/young-gen';
import { trace } from '../../util/trace';

/** Our end of the sync socket once the CLI has taken its own; exits when no CLI does. */
export function earlyChannel(cliPid: number): number {
  // We are PID 1 of a new namespace: getppid() says 0 and pidfd_open cannot name the CLI. /proc
  // is still the host's, where our pid, unshare's and the CLI's are the host's ones. Our parent
  // must be unshare, and its parent the CLI the launcher became; anything else (the launcher
  // gone, unshare killed before its fork was done) leaves nobody to take us.
  const unsharePid = procStat(Number(fs.readlinkSync('/proc/self')))?.ppid;
  const cli = procStat(cliPid);
  if (unsharePid === undefined || cli === undefined || procStat(unsharePid)?.ppid !== cliPid) process.exit(0);
  const ours = offerSocket();
  // While the CLI's Node and bundles still start (longer than ours, as a rule: it takes the socket
  // once it is at createContainer, and writes the config at once).
  settleYoungGeneration();
  trace('init: young generation settled');
  awaitTaker(ours, () => isSameProcess(cliPid, cli.startTime));
  return ours;
}
