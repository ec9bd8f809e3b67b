/** Timestamps as Go's RFC3339Nano prints them (runc's `created`): nanoseconds, trailing zeros trimmed. */
const origin = { ms: Date.now(), ns: process.hrtime.bigint() };

export function rfc3339Nano(): string {
  const nowNs = BigInt(origin.ms) * 1_000_000n + (process.hrtime.bigint() - origin.ns);
  const ms = Number(nowNs / 1_000_000n);
  const frac = (nowNs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const base = new Date(ms).toISOString().slice(0, 19);
  return `${base}${frac ? `.${frac}` : ''}Z`;
}
