/**
 * BERTH_TRACE=1 prints where a create/run/exec spends its time, on stderr, as wall-clock
 * milliseconds (comparable across the CLI and the init stage). Off, it costs one env lookup.
 */
const on = process.env.BERTH_TRACE === '1';

export function trace(what: string): void {
  if (!on) return;
  const ms = performance.timeOrigin + performance.now();
  process.stderr.write(`berth-trace ${ms.toFixed(1)} ${process.pid} ${what}\n`);
}
