/** Digests of bytes and streams, and a pass-through stream that checks one at its end. */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { validateDigest } from '../reference';
import { DigestMismatchError } from './errors';

export function algorithmOf(digest: string): string {
  validateDigest(digest);
  return digest.slice(0, digest.indexOf(':'));
}

export function digestOf(data: Uint8Array, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** Checks bytes against a digest; throws DigestMismatchError naming `what`. */
export function verifyBytes(what: string, data: Uint8Array, expected: string): void {
  const actual = digestOf(data, algorithmOf(expected));
  if (actual !== expected) throw new DigestMismatchError(what, actual, expected);
}

/**
 * Passes bytes through and fails with DigestMismatchError (or a size error) at the end when they
 * do not hash to `expected`; the consumer must treat the stream's error as "discard what you wrote".
 */
export class VerifyingStream extends Transform {
  private readonly hash;
  private count = 0;
  constructor(private readonly what: string, private readonly expected: string, private readonly size?: number) {
    super();
    this.hash = createHash(algorithmOf(expected));
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.count += chunk.length;
    if (this.size !== undefined && this.count > this.size) {
      cb(new DigestMismatchError(`${this.what} (more than the expected ${this.size} bytes)`, 'unknown', this.expected));
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    const actual = `${algorithmOf(this.expected)}:${this.hash.digest('hex')}`;
    if (actual !== this.expected) cb(new DigestMismatchError(this.what, actual, this.expected));
    else if (this.size !== undefined && this.count !== this.size) cb(new DigestMismatchError(`${this.what} (${this.count} bytes, expected ${this.size})`, actual, this.expected));
    else cb();
  }
}
