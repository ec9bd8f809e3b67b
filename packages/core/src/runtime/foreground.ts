/**
 * A container process in the foreground (`run`, `exec` without -d): signals sent to us go to
 * it (runc forwards them), its terminal is relayed when it has one, and its exit status becomes
 * ours: its code, or 128 + the signal that killed it.
 */
import type { ChildLike } from '../sys/spawn';
import { constants } from 'node:os';

/**
 * What a foreground runc or ctr passes on to its container process: every signal a process can
 * catch, as runc and ctr do (Go's signal.Notify of all), but those that are about the CLI itself —
 * SIGCHLD (its children), SIGURG (Go's preemption, ignored by ctr too), SIGWINCH (the terminal's
 * size, relayed as a resize where there is one), SIGTTIN and SIGTTOU (a background read or write
 * of the terminal would signal us again at once) — and the fault signals Node refuses to catch.
 * SIGTSTP is passed on: ^Z stops the container's process, not the CLI, as with ctr.
 */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = [
  'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGCONT', 'SIGTSTP',
  'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGSYS', 'SIGIO', 'SIGPWR', 'SIGSTKFLT',
];

/**
 * Passes FORWARDED_SIGNALS (but `keep`) on through `send` until the returned function is called.
 * `send` failing means the target has exited: nothing to do.
 */
export function forwardSignals(send: (sig: NodeJS.Signals) => void, keep: readonly NodeJS.Signals[] = []): () => void {
  const handlers = FORWARDED_SIGNALS.filter((sig) => !keep.includes(sig)).map((sig) => {
    const h = (): void => { try { send(sig); } catch { /* exited */ } };
    process.on(sig, h);
    return [sig, h] as const;
  });
  return () => { for (const [sig, h] of handlers) process.off(sig, h); };
}

export async function waitForeground(child: ChildLike, targetPid: number, consoleMaster?: number): Promise<number> {
  const stopForwarding = forwardSignals((sig) => process.kill(targetPid, sig));
  const abort = new AbortController();
  let relay: Promise<void> | undefined;
  if (consoleMaster !== undefined) {
    const { relayTerminal } = require('./console') as typeof import('./console');
    relay = relayTerminal(consoleMaster, { signal: abort.signal });
  }
  const code = await new Promise<number>((resolve) => {
    child.once('exit', (c, signal) => resolve(c ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
  // A background process may still hold the pty: stop relaying when the container's process exits.
  abort.abort();
  if (relay) await relay.catch(() => undefined);
  stopForwarding();
  return code;
}
