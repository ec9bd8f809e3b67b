/** Timestamps as Go formats them, for output that follows the Go tools'. */
const origin = { ms: Date.now(), ns: process.hrtime.bigint() };

/** Now as Go's RFC3339Nano prints it (runc's `created`): nanoseconds, trailing zeros trimmed. */
export function rfc3339Nano(): string {
  return nsRfc3339Nano(BigInt(origin.ms) * 1_000_000n + (process.hrtime.bigint() - origin.ns));
}

/** Nanoseconds since the epoch (an int64 of the CRI, as a string or a bigint) as Go's RFC3339Nano in UTC. */
export function nsRfc3339Nano(ns: string | bigint): string {
  const { base, frac } = splitNs(BigInt(ns));
  return `${base.replace(' ', 'T')}${frac}Z`;
}

/** Seconds as `2006-01-02 15:04:05` (UTC) and the fraction as `.999999999` without trailing zeros ('' for none). */
function splitNs(n: bigint): { base: string; frac: string } {
  const base = new Date(Number(n / 1_000_000n)).toISOString().slice(0, 19).replace('T', ' ');
  const digits = (n % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return { base, frac: digits ? `.${digits}` : '' };
}

/** RFC 3339 with whole seconds, as Go's time.RFC3339 in UTC (logrus's `time=`, containerd's labels). */
export function rfc3339(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** An RFC 3339 time as Go's time.Time re-encodes it in JSON: fractional seconds without trailing zeros. */
export function goTimeJson(rfc3339Text: string): string {
  return rfc3339Text.replace(/\.(\d*?)0+(?=Z|[+-]\d\d:\d\d$)/, (_m, d: string) => (d ? `.${d}` : ''));
}

/** A UTC RFC3339Nano time (rfc3339Nano's) as Go's time.Time %v prints it: 2006-01-02 15:04:05.999999999 +0000 UTC. */
export function goTimeValueOf(utcRfc3339Nano: string): string {
  return utcRfc3339Nano.replace('T', ' ').replace(/Z$/, ' +0000 UTC');
}

/** Nanoseconds since the epoch as Go's time.Time %v prints them in UTC: 2006-01-02 15:04:05.999999999 +0000 UTC. */
export function goTimeValue(ns: string): string {
  const { base, frac } = splitNs(BigInt(ns));
  return `${base}${frac} +0000 UTC`;
}
