/**
 * `crictl logs`: a container's CRI log file read back as kubelet's log reader does — stdout
 * lines to stdout, stderr to stderr, partial (P) pieces joined to their line, optionally with
 * their timestamps, the last N lines, lines since/until a time, and following the file while the
 * container runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../errors';
import { criContainerView } from './containers';
import { parseCriLogLine, type CriLogEntry } from './cri-log';
import type { StoreDirs } from './sandbox';

export interface LogOptions {
  follow?: boolean;
  /** Last N lines; negative: all. */
  tail?: number;
  timestamps?: boolean;
  /** Milliseconds since the epoch. */
  sinceMs?: number;
  untilMs?: number;
  /** Stop after this many bytes of output; negative: no limit. */
  limitBytes?: number;
}

export interface LogSink {
  stdout: (b: Buffer) => void;
  stderr: (b: Buffer) => void;
}

/**
 * --since as crictl reads it (docker's GetTimestamp): a Go duration before now ("1h5m", "42s"); a
 * time "YYYY-MM-DD[THH[:MM[:SS[.frac]]]]" with a zone (Z, ±hh:mm) or in local time without one; or
 * Unix seconds ("1795707482", "1795707482.5"). Milliseconds since the epoch.
 */
export function parseSince(text: string, now = Date.now()): number {
  const bad = (): never => { throw new InvalidArgumentError(`--since ${JSON.stringify(text)}: neither a duration (e.g. 42m), a time (RFC 3339, a date, local time without a zone) nor Unix seconds`); };
  // "0" is a time (the epoch), not Go's zero duration, as in docker.
  if (text !== '0') {
    const ms = goDurationMs(text);
    if (ms !== undefined) return now - ms;
  }
  if (text.includes('-')) {
    const m = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d)(?::(\d\d)(?::(\d\d)(\.\d+)?)?)?)?(Z|z|[+-]\d\d:\d\d)?$/.exec(text);
    if (!m) return bad();
    const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
    const frac = m[7] ? Number(m[7]) * 1000 : 0;
    const zone = m[8];
    if (zone === undefined) return new Date(y, mo - 1, d, h, mi, sec).getTime() + frac;
    const offset = /^[zZ]$/.test(zone) ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    return Date.UTC(y, mo - 1, d, h, mi, sec) + frac - offset * 60_000;
  }
  if (!/^\d+(\.\d+)?$/.test(text)) return bad();
  return Number(text) * 1000;
}

/** A Go duration ("1h5m", "1.5s", "300ms") in milliseconds, or undefined if `text` is not one. */
function goDurationMs(text: string): number | undefined {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const body = text.replace(/^[+-]/, '');
  let ms = 0;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(body)) !== null) {
    ms += Number(m[1]) * (unit[m[2] as string] as number);
    end = re.lastIndex;
  }
  if (body === '' || end !== body.length) return undefined;
  return text.startsWith('-') ? -ms : ms;
}

/** Whole lines of the log with their P pieces joined (a line keeps the time of its first piece). */
function entries(buf: Buffer): { lines: CriLogEntry[]; rest: Buffer } {
  const lines: CriLogEntry[] = [];
  const partial: Record<string, CriLogEntry | undefined> = {};
  let start = 0;
  let nl: number;
  let consumed = 0;
  while ((nl = buf.indexOf(0x0a, start)) >= 0) {
    const e = parseCriLogLine(buf.subarray(start, nl));
    start = nl + 1;
    if (!e) continue;
    const prev = partial[e.stream];
    const merged = prev ? { ...prev, text: Buffer.concat([prev.text, e.text]), partial: e.partial } : e;
    if (merged.partial) {
      partial[e.stream] = merged;
      continue;
    }
    partial[e.stream] = undefined;
    lines.push(merged);
    // Only complete lines count as read: a P piece is read again with the rest of its line.
    if (!partial.stdout && !partial.stderr) consumed = start;
  }
  return { lines, rest: buf.subarray(consumed) };
}

export async function streamContainerLogs(dirs: StoreDirs, idOrPrefix: string, o: LogOptions, sink: LogSink): Promise<void> {
  const v = criContainerView(dirs, idOrPrefix);
  if (v.logPath === '') throw new NotFoundError(`container "${v.id}" has no log (its pod has no log_directory or it has no log_path)`);
  let fd: number;
  try {
    fd = fs.openSync(v.logPath, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      if (v.state === 'CONTAINER_CREATED') return;
      throw new NotFoundError(`failed to open log file "${v.logPath}": no such file`);
    }
    throw err;
  }
  let budget = o.limitBytes !== undefined && o.limitBytes >= 0 ? o.limitBytes : Infinity;
  const emit = (e: CriLogEntry): boolean => {
    if (o.sinceMs !== undefined && e.ms < o.sinceMs) return true;
    if (o.untilMs !== undefined && e.ms > o.untilMs) return true;
    let out = Buffer.concat([o.timestamps ? Buffer.from(`${e.time} `) : Buffer.alloc(0), e.text, Buffer.from('\n')]);
    if (out.length > budget) out = out.subarray(0, budget);
    budget -= out.length;
    (e.stream === 'stdout' ? sink.stdout : sink.stderr)(out);
    return budget > 0;
  };
  try {
    let pending: Buffer = fs.readFileSync(fd);
    const first = entries(pending);
    pending = Buffer.from(first.rest);
    let lines = first.lines;
    if (o.tail !== undefined && o.tail >= 0) lines = o.tail === 0 ? [] : lines.slice(-o.tail);
    for (const e of lines) if (!emit(e)) return;
    if (!o.follow) return;
    const chunk = Buffer.alloc(65536);
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n > 0) {
        const r = entries(Buffer.concat([pending, chunk.subarray(0, n)]));
        pending = Buffer.from(r.rest);
        for (const e of r.lines) if (!emit(e)) return;
        continue;
      }
      // Nothing new: done once the container has stopped (its shim has written all it had).
      const state = criContainerView(dirs, v.id).state;
      if (state !== 'CONTAINER_RUNNING' && state !== 'CONTAINER_CREATED') {
        const again = fs.readSync(fd, chunk, 0, chunk.length, null);
        if (again === 0) return;
        const r = entries(Buffer.concat([pending, chunk.subarray(0, again)]));
        pending = Buffer.from(r.rest);
        for (const e of r.lines) if (!emit(e)) return;
        continue;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A container's log and its rotations (`<log>.*`), as crictl's rm removes them after the
 * container. Returns what could not be removed (each file with its error's text).
 */
export function removeLogFiles(logPath: string): { file: string; message: string }[] {
  const dir = path.dirname(logPath);
  const base = path.basename(logPath);
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).filter((n) => n.startsWith(`${base}.`));
  } catch { /* no directory: nothing to remove */ }
  const failed: { file: string; message: string }[] = [];
  for (const file of [...names.map((n) => path.join(dir, n)), logPath]) {
    try {
      fs.rmSync(file, { force: true });
    } catch (err) {
      failed.push({ file, message: (err as Error).message });
    }
  }
  return failed;
}
