/**
 * Layer decompression chosen from the stream's magic bytes: gzip through zlib, zstd through
 * the `zstd` binary (Node 20 has no zstd; the Debian binary streams, needs no native npm
 * build, and is what containerd's own tests use too), or plain tar.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Readable, pipeline, type TransformOptions } from 'node:stream';
import * as zlib from 'node:zlib';
import { InvalidArgumentError, UnsupportedError } from '../../errors';

export type Compression = 'none' | 'gzip' | 'zstd';

const GUNZIP_CHUNK = 128 * 1024;
const GUNZIP_AHEAD = 1024 * 1024;

export interface Decompressed {
  compression: Compression;
  output: AsyncIterable<Buffer>;
  /** Settles once the decompressor finished (rejects on a corrupt stream or a failed zstd). */
  done: Promise<void>;
  /** Stops everything (a refused entry): the zstd child is killed by its pid. */
  abort(): void;
}

function detect(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/** A Buffer over the chunk's bytes without copying them (Buffer.from(buffer) would copy). */
function view(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** Reads enough of the input to know its compression, then hands the whole stream on. */
async function peek(input: AsyncIterable<Uint8Array>, onChunk?: (chunk: Buffer) => void): Promise<{ head: Buffer; rest: Readable }> {
  const it = input[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let len = 0;
  let ended = false;
  while (len < 4) {
    const r = await it.next();
    if (r.done) { ended = true; break; }
    const b = view(r.value);
    first.push(b); len += b.length;
  }
  const head = Buffer.concat(first);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) { onChunk?.(head); yield head; }
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      const b = view(r.value);
      onChunk?.(b);
      yield b;
    }
  }
  return { head, rest: Readable.from(all(), { objectMode: false }) };
}

export async function decompress(input: AsyncIterable<Uint8Array>, onCompressed?: (chunk: Buffer) => void): Promise<Decompressed> {
  const { head, rest } = await peek(input, onCompressed);
  const compression = detect(head);
  if (compression === 'none') {
    return { compression, output: rest, done: Promise.resolve(), abort: () => rest.destroy() };
  }
  if (compression === 'gzip') {
    // Larger chunks and a deeper read buffer than the 16 KiB defaults: inflate (on libuv's pool)
    // runs up to GUNZIP_AHEAD bytes ahead of the extraction on the main thread instead of
    // ping-ponging one small chunk at a time, and the per-chunk stream overhead drops 8×.
    const gzOpts: zlib.ZlibOptions & TransformOptions = { chunkSize: GUNZIP_CHUNK, readableHighWaterMark: GUNZIP_AHEAD };
    const gunzip = zlib.createGunzip(gzOpts);
    const done = new Promise<void>((resolve, reject) => {
      pipeline(rest, gunzip, (err) => (err ? reject(new InvalidArgumentError(`layer: gzip stream: ${err.message}`)) : resolve()));
    });
    done.catch(() => { /* reported through the consumer's await */ });
    return { compression, output: gunzip, done, abort: () => { rest.destroy(); gunzip.destroy(); } };
  }
  let child: ChildProcess;
  child = spawn('zstd', ['-d', '-c', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: Buffer[] = [];
  child.stderr?.on('data', (b: Buffer) => stderr.push(b));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT'
        ? new UnsupportedError('layer: zstd-compressed, and the zstd binary is not installed (Debian package "zstd")')
        : err);
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new InvalidArgumentError(`layer: zstd -d failed (${signal ?? `exit ${code}`}): ${Buffer.concat(stderr).toString().trim().split('\n')[0] ?? ''}`));
    });
  });
  done.catch(() => { /* reported through the consumer's await */ });
  const stdin = child.stdin;
  if (stdin) {
    stdin.on('error', () => { /* EPIPE when zstd stops early: its exit status says why */ });
    rest.pipe(stdin);
  }
  const output = child.stdout as Readable;
  return {
    compression, output, done,
    abort: () => {
      rest.destroy();
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill('SIGKILL');
    },
  };
}
