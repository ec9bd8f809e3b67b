/**
 * Transfer progress as ctr shows it. On a terminal: a table redrawn in place every 100 ms, one
 * line per blob (`ref: status |+++---| offset/total`) and a last line
 * `elapsed: 1.2 s total: 5.1 Mi (4.2 MiB/s)`, aligned like Go's tabwriter. Elsewhere (pipes,
 * files, tests): one plain line per finished step, `ref: status`.
 */
import { bytesBinary } from './commands/images/format';
import type { TransferEvent } from '@berth/core/dist/images/registry/transfer-events';

export type Status = 'resolving' | 'resolved' | 'waiting' | 'downloading' | 'uploading' | 'done' | 'exists' | 'mounted' | 'skipped';

interface Entry { ref: string; status: Status; offset: number; total: number; digest?: string }

const GREEN = '\x1b[32m';
const RESET = '\x1b[0m';
const humanBytes = bytesBinary;

/** The bar of containerd's progress.Bar at width 40: `|` green `+`… reset `-`… `|`. */
export function bar(fraction: number, width = 40): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const pos = Math.floor((width - 2) * f);
  return `|${GREEN}${'+'.repeat(pos)}${RESET}${'-'.repeat(width - 2 - pos)}|`;
}

/** Go's `%-4.1f`. */
const seconds = (ms: number): string => (ms / 1000).toFixed(1).padEnd(4, ' ');

/** The table's lines (cells separated by tabs, each line's cells tab-terminated), as ctr's Display. */
export function displayLines(entries: Entry[], elapsedMs: number): string[][] {
  let total = 0;
  const rows: string[][] = [];
  for (const e of entries) {
    total += e.offset;
    if (e.status === 'downloading' || e.status === 'uploading') {
      rows.push([`${e.ref}:`, e.status, bar(e.total > 0 ? e.offset / e.total : 0), `${humanBytes(e.offset).slice(0, 8).padStart(8, ' ')}/${humanBytes(e.total)}`]);
    } else if (e.status === 'resolving' || e.status === 'waiting') {
      rows.push([`${e.ref}:`, e.status, bar(0)]);
    } else {
      rows.push([`${e.ref}:`, e.status, bar(1)]);
    }
  }
  const secs = Math.max(elapsedMs, 1) / 1000;
  rows.push([`elapsed: ${seconds(elapsedMs)}s`, `total: ${humanBytes(total).slice(0, 6).padStart(7, ' ')}`, `(${humanBytes(Math.floor(total / secs))}/s)`]);
  return rows;
}

/** text/tabwriter with minwidth 1, padding 1, space padding: every terminated cell padded to its column's width. */
export function tabulate(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length + 1); });
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0, ' ')).join('').replace(/ +$/, '')).join('\n') + '\n';
}

const visible = (s: string): number => s.replace(/\x1b\[[0-9]+m/g, '').length;

export interface ProgressOptions {
  out?: NodeJS.WriteStream;
  /** Table on a terminal; plain lines otherwise. Defaults to whether `out` is a TTY. */
  tty?: boolean;
  /** Plain mode: which statuses print a line (all final ones by default). */
  plainStatuses?: Status[];
}

export class Progress {
  private readonly out: NodeJS.WriteStream;
  readonly tty: boolean;
  private readonly entries = new Map<string, Entry>();
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private drawn = 0;
  private unwatch: (() => void) | undefined;
  private readonly plain: Set<Status>;

  constructor(opts: ProgressOptions = {}) {
    this.out = opts.out ?? process.stdout;
    this.tty = opts.tty ?? this.out.isTTY === true;
    this.plain = new Set(opts.plainStatuses ?? ['resolved', 'done', 'exists', 'mounted', 'skipped']);
    if (this.tty) {
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
      // Bytes moved by the registry client, by digest, whatever service runs it.
      const { watchTransfers } = require('@berth/core/dist/images/registry/transfer-events') as typeof import('@berth/core/dist/images/registry/transfer-events');
      this.unwatch = watchTransfers((e) => this.bytes(e));
    }
  }

  /** Sets a line's status; `digest` ties it to the byte counts of its transfer. */
  set(ref: string, status: Status, info: { digest?: string; size?: number } = {}): void {
    const cur = this.entries.get(ref);
    const total = info.size ?? cur?.total ?? 0;
    const e: Entry = { ref, status, total, offset: cur?.offset ?? 0 };
    const digest = info.digest ?? cur?.digest;
    if (digest !== undefined) e.digest = digest;
    if (status === 'done') e.offset = total;
    if (status === 'exists' || status === 'skipped') e.offset = 0;
    const first = this.entries.size === 0;
    this.entries.set(ref, e);
    if (!this.tty && this.plain.has(status)) this.out.write(`${ref}: ${status}\n`);
    // Something on screen at once, not only after the first tick.
    if (this.tty && first && this.timer) this.draw();
  }

  private bytes(ev: TransferEvent): void {
    for (const e of this.entries.values()) {
      if (e.digest !== ev.digest || e.status === 'done' || e.status === 'exists' || e.status === 'mounted') continue;
      e.status = ev.direction === 'download' ? 'downloading' : 'uploading';
      e.offset = ev.offset;
      if (ev.total !== undefined) e.total = ev.total;
    }
  }

  private draw(): void {
    if (this.entries.size === 0) return;
    const text = tabulate(displayLines([...this.entries.values()], Date.now() - this.started));
    let clear = '';
    for (let i = 0; i < this.drawn; i++) clear += '\x1b[1A\x1b[2K\r';
    // Lines wider than the terminal wrap and take more rows to clear next time.
    const cols = this.out.columns > 0 ? this.out.columns : 0;
    this.drawn = text.split('\n').slice(0, -1).reduce((n, l) => n + (cols > 0 ? Math.max(1, Math.ceil(visible(l) / cols)) : 1), 0);
    this.out.write(clear + text);
  }

  /** A line of its own: above a finished table on a terminal, else as is. */
  line(text: string): void {
    this.stop();
    this.out.write(`${text}\n`);
  }

  /** Last redraw (with every status final), then no more. Idempotent. */
  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.draw();
    }
    this.unwatch?.();
    this.unwatch = undefined;
  }
}
