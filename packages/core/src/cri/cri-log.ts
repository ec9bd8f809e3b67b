/**
 * CRI's container log format (what kubelet and `crictl logs` read), one line per output line:
 * `<RFC3339Nano time> <stdout|stderr> <F|P> <text>`, F for a full line, P for a partial one (a
 * line longer than the buffer is cut into P pieces; the last piece is F). containerd writes
 * it from the container's stdout/stderr; here a CriLogWriter per stream does, both appending to
 * one file.
 */
import * as fs from 'node:fs';
import { Writable } from 'node:stream';
import { rfc3339Nano } from '../util/time';

export type CriStream = 'stdout' | 'stderr';

/** containerd's default max_container_log_line_size. */
export const MAX_LOG_LINE = 16 * 1024;

/** One log file shared by the streams of a container (appends are atomic per line). */
export class CriLogFile {
  readonly fd: number;

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o640);
  }

  line(stream: CriStream, tag: 'F' | 'P', text: Buffer): void {
    fs.writeSync(this.fd, Buffer.concat([Buffer.from(`${rfc3339Nano()} ${stream} ${tag} `), text, Buffer.from('\n')]));
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/**
 * A stream's writer: splits what it is given into lines; what is left at the end without a
 * newline is written as a partial (P) line, as containerd does, so that `crictl logs` does not
 * add a newline the program never wrote.
 */
export class CriLogWriter extends Writable {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly file: CriLogFile, private readonly stream: CriStream) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    try {
      this.writeSync(chunk);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  /** The same as write(), at once (for an exit handler, when no event loop runs any more). */
  writeSync(chunk: Buffer): void {
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let nl: number;
    while ((nl = buf.indexOf(0x0a)) >= 0) {
      let line = buf.subarray(0, nl);
      while (line.length > MAX_LOG_LINE) {
        this.file.line(this.stream, 'P', line.subarray(0, MAX_LOG_LINE));
        line = line.subarray(MAX_LOG_LINE);
      }
      this.file.line(this.stream, 'F', line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, line.length - 1) : line);
      buf = buf.subarray(nl + 1);
    }
    while (buf.length > MAX_LOG_LINE) {
      this.file.line(this.stream, 'P', buf.subarray(0, MAX_LOG_LINE));
      buf = buf.subarray(MAX_LOG_LINE);
    }
    this.pending = Buffer.from(buf);
  }

  /** A partial line left at the end. */
  flushSync(): void {
    if (this.pending.length > 0) this.file.line(this.stream, 'P', this.pending);
    this.pending = Buffer.alloc(0);
  }

  override _final(cb: (err?: Error | null) => void): void {
    try {
      this.flushSync();
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }
}

export interface CriLogEntry {
  /** The time as written (RFC3339Nano). */
  time: string;
  /** Milliseconds since the epoch, for --since/--until. */
  ms: number;
  stream: CriStream;
  partial: boolean;
  text: Buffer;
}

/** Parses one line of a CRI log; undefined for a line that is not one. */
export function parseCriLogLine(line: Buffer): CriLogEntry | undefined {
  const s1 = line.indexOf(0x20);
  if (s1 < 0) return undefined;
  const s2 = line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return undefined;
  const time = line.subarray(0, s1).toString();
  const stream = line.subarray(s1 + 1, s2).toString();
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const s3 = line.indexOf(0x20, s2 + 1);
  const tag = line.subarray(s2 + 1, s3 < 0 ? line.length : s3).toString();
  const text = s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1);
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) return undefined;
  return { time, ms, stream, partial: tag.split(':').includes('P'), text };
}
