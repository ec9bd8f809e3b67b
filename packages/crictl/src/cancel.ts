/**
 * How crictl gives up a request, as cri-tools' client does through its gRPC context: SIGINT or
 * SIGTERM (Canceled), or --cancel-timeout passing (DeadlineExceeded; a Go duration, 0 for none).
 * The work sees an AbortSignal whose reason is a CanceledError. The handlers keep Node from dying
 * at the first signal, so what the work made is undone first; a second signal ends it at once.
 */
import { CanceledError } from '@berth/core/dist/errors';
import type { Fail } from './lifecycle-flows';

export interface Cancellation { signal: AbortSignal; release(): void }

export function cancellation(timeout: string | undefined, fail: Fail): Cancellation {
  let ms = 0;
  if (timeout !== undefined) {
    const { parseGoDuration } = require('@berth/core/dist/util/go-duration') as typeof import('@berth/core/dist/util/go-duration');
    const parsed = parseGoDuration(timeout);
    if (parsed === undefined) fail(`invalid value "${timeout}" for flag -cancel-timeout: parse error (a duration such as 30s or 1m30s)`);
    ms = parsed;
  }
  const ac = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => ac.abort(new CanceledError(`interrupted by ${sig}`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = ms > 0 ? setTimeout(() => ac.abort(new CanceledError(`--cancel-timeout ${timeout} passed`, true)), ms) : undefined;
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
