/**
 * `crictl logs`: a container's CRI log file read back as kubelet's log reader does — stdout
 * lines to stdout, stderr to stderr, partial (P) pieces run on into their line, optionally with
 * their timestamps, the last N lines, lines since/until a time, and following the file while the
 * container runs.
 */
import { OUTPUT_GRACE_MS } from '../util/output-grace';
import { parseGoDuration } from '../util/go-duration';
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
  /** Ends a follow (attach's detach): what was read is printed, then it returns. */
  signal?: AbortSignal;
  /** The log of the container's previous attempt: `<attempt-1>.log` beside its own, as crictl -p finds it. */
  previous?: boolean;
}

/** crictl's path of the previous attempt's log: the file name becomes the attempt before (the extension kept). */
function previousLogPath(logPath: string, name: string, attempt: number): string {
  if (attempt === 0) throw new NotFoundError(`previous terminated container ${name} not found`);
  const slash = logPath.lastIndexOf('/');
  const dot = logPath.lastIndexOf('.');
  return `${logPath.slice(0, slash + 1)}${attempt - 1}${dot > slash ? logPath.slice(dot) : ''}`;
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
    const ms = parseGoDuration(text);
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

const CHUNK = 64 * 1024;
const NEWLINE = Buffer.from('\n');

/** A log file's lines from chunks of it, as they come: the bytes of a line not yet ended wait for the next chunk. */
class LineSplitter {
  private carry: Buffer = Buffer.alloc(0);

  feed(chunk: Buffer): CriLogEntry[] {
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const out: CriLogEntry[] = [];
    let start = 0;
    let nl: number;
    while ((nl = buf.indexOf(0x0a, start)) >= 0) {
      const e = parseCriLogLine(buf.subarray(start, nl));
      if (e) out.push(e); // its text is a view of this chunk: emitted before the next read
      start = nl + 1;
    }
    this.carry = Buffer.from(buf.subarray(start));
    return out;
  }
}

/**
 * Where the last `n` lines of the file's first `size` bytes start, read back from the end as
 * kubelet's tail does (a P piece is a line of its own there too): not the whole file in memory.
 */
function tailStart(fd: number, size: number, n: number): number {
  if (n === 0) return size;
  const buf = Buffer.alloc(CHUNK);
  let count = 0;
  for (let pos = size; pos > 0;) {
    const len = Math.min(CHUNK, pos);
    pos -= len;
    fs.readSync(fd, buf, 0, len, pos);
    for (let i = len - 1; i >= 0; i--) {
      // The newline that ends the last line starts no line.
      if (buf[i] !== 0x0a || pos + i === size - 1) continue;
      if (++count === n) return pos + i + 1;
    }
  }
  return 0;
}

/**
 * Prints the container's log as kubelet's log reader does: each line of the file as it is read
 * (a P piece without a newline, so a long line comes out whole; with -t its time only at the start
 * of a line), stdout's to stdout and stderr's to stderr. The file is read in chunks from where
 * --tail puts the start, and followed while the container runs.
 */
export async function streamContainerLogs(dirs: StoreDirs, idOrPrefix: string, o: LogOptions, sink: LogSink): Promise<void> {
  const v = criContainerView(dirs, idOrPrefix);
  if (v.logPath === '') throw new NotFoundError(`container "${v.id}" has no log (its pod has no log_directory or it has no log_path)`);
  const logPath = o.previous ? previousLogPath(v.logPath, v.config.metadata.name, v.config.metadata.attempt) : v.logPath;
  let fd: number;
  try {
    fd = fs.openSync(logPath, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      if (v.state === 'CONTAINER_CREATED' && !o.previous) return;
      throw new NotFoundError(`failed to open log file "${logPath}": no such file`);
    }
    throw err;
  }
  let budget = o.limitBytes !== undefined && o.limitBytes >= 0 ? o.limitBytes : Infinity;
  const midLine: Record<CriLogEntry['stream'], boolean> = { stdout: false, stderr: false };
  const emit = (e: CriLogEntry): boolean => {
    if (o.sinceMs !== undefined && e.ms < o.sinceMs) return true;
    if (o.untilMs !== undefined && e.ms > o.untilMs) return true;
    const prefix = o.timestamps && !midLine[e.stream] ? Buffer.from(`${e.time} `) : undefined;
    midLine[e.stream] = e.partial;
    let out = Buffer.concat([...(prefix ? [prefix] : []), e.text, ...(e.partial ? [] : [NEWLINE])]);
    if (out.length > budget) out = out.subarray(0, budget);
    budget -= out.length;
    (e.stream === 'stdout' ? sink.stdout : sink.stderr)(out);
    return budget > 0;
  };
  try {
    const size = fs.fstatSync(fd).size;
    let pos = o.tail !== undefined && o.tail >= 0 ? tailStart(fd, size, o.tail) : 0;
    const lines = new LineSplitter();
    const chunk = Buffer.alloc(CHUNK);
    /** Prints what the file holds from `pos` (up to `end`); 'limit' once --limit-bytes is spent. */
    const drain = (end = Infinity): 'more' | 'limit' => {
      while (pos < end) {
        const n = fs.readSync(fd, chunk, 0, Math.min(CHUNK, end - pos), pos);
        if (n === 0) break;
        pos += n;
        for (const e of lines.feed(chunk.subarray(0, n))) if (!emit(e)) return 'limit';
      }
      return 'more';
    };
    if (drain(size) === 'limit' || !o.follow) return;
    let stoppedAt: number | undefined;
    for (;;) {
      const before = pos;
      if (drain() === 'limit' || o.signal?.aborted) return;
      if (pos > before) continue;
      // Nothing new: done once the container has stopped and its log is complete. The shim writes
      // the task's exit first and the log's last piece (an unended line) after it, then the exit
      // into the CRI status; a shim that never gets there (it died) is given its output grace.
      const now = criContainerView(dirs, v.id);
      if (now.state !== 'CONTAINER_RUNNING' && now.state !== 'CONTAINER_CREATED') {
        stoppedAt ??= Date.now();
        if (now.status.finishedAt !== '0' || Date.now() - stoppedAt > OUTPUT_GRACE_MS + 1000) {
          drain();
          return;
        }
      }
      await new Promise<void>((resolve) => {
        const done = (): void => { clearTimeout(t); resolve(); };
        const t = setTimeout(() => { o.signal?.removeEventListener('abort', done); resolve(); }, 200);
        o.signal?.addEventListener('abort', done, { once: true });
      });
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
