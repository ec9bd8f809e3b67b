/** How ctr prints sizes and ages (containerd's progress.Bytes, docker/go-units' HumanSize and HumanDuration). */

/** progress.Bytes: binary units, one decimal ("2.1 MiB"). */
export function bytesBinary(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let f = n;
  let i = 0;
  while (f >= 1024 && i < units.length - 1) { f /= 1024; i++; }
  return `${f.toFixed(1)} ${units[i] as string}`;
}

/** go-units HumanSize: decimal units, 4 significant digits, no space ("2.123MB"). */
export function humanSize(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let f = n;
  let i = 0;
  while (f >= 1000 && i < units.length - 1) { f /= 1000; i++; }
  return `${String(Number(f.toPrecision(4)))}${units[i] as string}`;
}

export { humanDuration } from '@berth/core/dist/util/go-units';

export function labelList(l: Record<string, string>): string {
  const s = Object.keys(l).sort().map((k) => `${k}=${l[k] as string}`).join(',');
  return s === '' ? '-' : s;
}

/** Go's time.Duration String() for ms ("188.618658ms", "1.05s", "1m2.5s"). */
export function goDuration(ms: number): string {
  const trim = (x: string): string => x.replace(/\.?0+$/, '');
  if (ms < 1) return `${trim((ms * 1000).toFixed(3))}µs`;
  if (ms < 1000) return `${trim(ms.toFixed(6))}ms`;
  const total = ms / 1000;
  const m = Math.floor(total / 60);
  const sec = `${trim((total - m * 60).toFixed(9))}s`;
  if (m === 0) return sec;
  const h = Math.floor(m / 60);
  return h > 0 ? `${h}h${m % 60}m${sec}` : `${m}m${sec}`;
}
