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
