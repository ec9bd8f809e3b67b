/**
 * Orphans of a container without its own PID namespace are reparented to the shim (its child
 * subreaper) and would stay zombies: nothing in Node waits for them. On SIGCHLD the shim reaps
 * every exited child except the ones libuv waits for itself (the spawned init stage, and the
 * container's init when that is a different process), so their exit statuses stay libuv's.
 */
import { fn } from '../../sys/libc';
import { childrenOfSelf } from '../../sys/children';

const WNOHANG = 1;
const WAITPID = 'int waitpid(int pid, void *status, int options)';

/** Reaps exited children not in `keep`; returns their pids. */
export function reapOrphans(keep: ReadonlySet<number>): number[] {
  const waitpid = fn(WAITPID);
  const reaped: number[] = [];
  for (const pid of childrenOfSelf()) {
    // WNOHANG on one named pid: a running child is left alone, a zombie is collected.
    if (!keep.has(pid) && (waitpid(pid, null, WNOHANG) as number) === pid) reaped.push(pid);
  }
  return reaped;
}

/** Reaps on every SIGCHLD (the listener does not keep the shim alive). */
export function reapOnSigchld(keep: ReadonlySet<number>): () => void {
  const onChld = (): void => { reapOrphans(keep); };
  process.on('SIGCHLD', onChld);
  return () => { process.off('SIGCHLD', onChld); };
}
