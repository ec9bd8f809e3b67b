/**
 * How crictl gives up a request, as cri-tools' client does through its gRPC context: SIGINT or
 * SIGTERM (Canceled), or --cancel-timeout passing (DeadlineExceeded; a Go duration, 0 for none).
 * The work sees an AbortSignal whose reason is a CanceledError. While a cancellation is held its
 * handlers keep Node from dying at the first signal, so what the work made is undone first; a
 * second signal ends the CLI at once. Held only around work that watches the signal.
 */
import { CanceledError } from '@berth/core/dist/errors';
import type { Fail } from './lifecycle-flows';

export interface CancelTimeout { ms: number; text: string }
export interface Cancellation { signal: AbortSignal; release(): void }

/** --cancel-timeout's value, checked before any work: an invalid one is crictl's fatal error. */
export function cancelTimeout(text: string | undefined, fail: Fail): CancelTimeout {
  if (text === undefined) return { ms: 0, text: '' };
  const { parseGoDuration } = require('@berth/core/dist/util/go-duration') as typeof import('@berth/core/dist/util/go-duration');
  const ms = parseGoDuration(text);
  if (ms === undefined) fail(`invalid value "${text}" for flag -cancel-timeout: parse error (a duration such as 30s or 1m30s)`);
  return { ms, text };
}

export function cancellation(timeout: CancelTimeout): Cancellation {
  const ac = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => ac.abort(new CanceledError(`interrupted by ${sig}`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = timeout.ms > 0 ? setTimeout(() => ac.abort(new CanceledError(`--cancel-timeout ${timeout.text} passed`, true)), timeout.ms) : undefined;
  timer?.unref();
  return {
    signal: ac.signal,
    release() {
      clearTimeout(timer);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}
