/**
 * A shim started by ctr's launcher (packages/ctr/bin/early-shim.sh) before the CLI's own Node, as
 * runc's launcher starts an init (runtime/early-init.ts has the mechanism, runtime/early-peer.ts
 * this side of it). Its socket to the starter stays where socketpair put it (fd 3, a spawned
 * shim's, is Node's own by now). The launcher's `setsid` execs us in its own place: our parent is
 * the CLI itself.
 */
import { EARLY_PARENT_ENV } from '../../runtime/sync';
import { awaitTaker, offerSocket } from '../../runtime/early-peer';

/** For an early shim, the starter's pid and our end of the socket made for it; undefined for any other shim. */
export function earlyStarter(): { starter: number; fd: number } | undefined {
  const v = process.env[EARLY_PARENT_ENV];
  if (v === undefined) return undefined;
  delete process.env[EARLY_PARENT_ENV];
  const starter = Number(v);
  if (process.ppid !== starter) process.exit(0); // the CLI gone already: nobody to take us
  return { starter, fd: offerSocket() };
}

/** Waits until the starter writes its task, calling `idle` meanwhile; exits once the starter is gone. */
export function awaitStarter(readyFd: number, starter: number, idle: () => void): void {
  awaitTaker(readyFd, () => process.ppid === starter, idle);
}
