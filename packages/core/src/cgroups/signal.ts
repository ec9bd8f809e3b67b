/** Signalling a set of pids where some may already be gone. */
import { SysError } from '../errors';
import { errnoOf } from './files';

export function signalAll(pids: number[], signal: number): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'ESRCH') continue; // exited since the list was read
      if (!code) throw e;
      throw new SysError('kill', code, `pid ${pid} with signal ${signal}`);
    }
  }
}

/**
 * Signals every process of a cgroup with the cgroup frozen, so none can fork a new one between
 * the listing and the signal; thaws afterwards (SIGKILLed processes die on thaw).
 */
export function signalFrozen(cg: { freeze(): void; thaw(): void; pids(): number[] }, signal: number, canFreeze = true): void {
  // An empty cgroup cannot gain a process by fork: nothing to freeze (delete's usual case: the
  // freeze/thaw writes were ~1 ms of it).
  if (cg.pids().length === 0) return;
  let frozen = false;
  if (canFreeze) {
    try { cg.freeze(); frozen = true; } catch { /* signal them anyway */ }
  }
  try {
    signalAll(cg.pids(), signal);
  } finally {
    if (frozen) cg.thaw();
  }
}
