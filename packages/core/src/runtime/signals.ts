/** Signal names and numbers as runc accepts them: KILL, SIGKILL, kill or 9. */
import { constants } from 'node:os';
import { InvalidArgumentError } from '../errors';

const SIGNALS = constants.signals as Record<string, number>;

export function parseSignal(sig: string | number): number {
  if (typeof sig === 'number' || /^\d+$/.test(sig)) {
    const n = Number(sig);
    // 0 sends nothing and checks the process is there (kill(2)), as runc accepts it.
    if (n >= 0 && n <= 64) return n;
    throw new InvalidArgumentError(`invalid signal number: ${sig}`);
  }
  const name = sig.toUpperCase().startsWith('SIG') ? sig.toUpperCase() : `SIG${sig.toUpperCase()}`;
  const rt = /^SIGRTMIN(?:\+(\d+))?$/.exec(name);
  if (rt) return 34 + Number(rt[1] ?? 0);
  const n = SIGNALS[name];
  if (n === undefined) throw new InvalidArgumentError(`unknown signal "${sig}"`);
  return n;
}

/**
 * ctr's reading of -s (moby/sys/signal's ParseSignal): 0 is refused, as is any name it lacks,
 * both in its words; other numbers go on as they are.
 */
export function parseCtrSignal(sig: string): number {
  if (/^\d+$/.test(sig) && Number(sig) === 0) throw new InvalidArgumentError(`invalid signal: ${sig}`);
  try {
    return parseSignal(sig);
  } catch {
    throw new InvalidArgumentError(`invalid signal: ${sig}`);
  }
}

export function signalName(n: number): string {
  return Object.entries(SIGNALS).find(([, v]) => v === n)?.[0] ?? `signal ${n}`;
}
