/** Validation of the digests and ingest refs the content store accepts. */
import { InvalidArgumentError, UnsupportedError } from '../errors';

const SHA256 = /^sha256:[0-9a-f]{64}$/;
const ANY = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const MAX_REF = 4096;

/** Throws unless `digest` is `sha256:` and 64 lowercase hex characters (the only kind stored). */
export function validateContentDigest(digest: unknown): asserts digest is string {
  if (typeof digest === 'string' && SHA256.test(digest)) return;
  const shown = typeof digest === 'string' ? JSON.stringify(digest.length > 100 ? `${digest.slice(0, 100)}...` : digest) : String(digest);
  if (typeof digest === 'string' && ANY.test(digest) && !digest.startsWith('sha256:')) {
    throw new UnsupportedError(`content digest ${shown}: only sha256 digests are supported`);
  }
  throw new InvalidArgumentError(`content digest ${shown}: not of the form sha256:<64 lowercase hex>`);
}

/** The hex part of a validated sha256 digest (the only text from a digest that reaches a path). */
export function sha256Hex(digest: string): string {
  validateContentDigest(digest);
  return digest.slice('sha256:'.length);
}

/** Refs are free text (they are hashed for the path) but must be non-empty, bounded and NUL-free. */
export function validateRef(ref: unknown): asserts ref is string {
  if (typeof ref !== 'string' || ref.length === 0) throw new InvalidArgumentError('ingest ref must be a non-empty string');
  if (Buffer.byteLength(ref) > MAX_REF) throw new InvalidArgumentError(`ingest ref "${ref.slice(0, 60)}...": longer than ${MAX_REF} bytes`);
  if (ref.includes('\0')) throw new InvalidArgumentError(`ingest ref ${JSON.stringify(ref)}: contains a NUL byte`);
}
