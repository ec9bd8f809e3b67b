/** Checks on names, digests and labels, with containerd's limits, before anything is stored. */
import { InvalidArgumentError } from '../errors';
import type { Descriptor, LabelFilter, Labels } from './types';

// containerd's identifiers: alphanumerics separated by single '.', '_' or '-', at most 76 chars.
const IDENTIFIER = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;
const MAX_IDENTIFIER = 76;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;
/** containerd refuses a label whose key and value together exceed 4096 bytes. */
const MAX_LABEL = 4096;

/** Whether `id` is a containerd identifier (what every stored container id is). */
export function isIdentifier(id: string): boolean {
  return id.length > 0 && id.length <= MAX_IDENTIFIER && IDENTIFIER.test(id);
}

export function validateIdentifier(kind: string, id: string): void {
  if (id.length === 0) throw new InvalidArgumentError(`${kind} name must not be empty`);
  if (id.length > MAX_IDENTIFIER) throw new InvalidArgumentError(`${kind} "${id}": longer than ${MAX_IDENTIFIER} characters`);
  if (!IDENTIFIER.test(id)) throw new InvalidArgumentError(`${kind} "${id}": must be alphanumerics separated by single '.', '_' or '-'`);
}

export function validateNonEmpty(kind: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidArgumentError(`${kind} must not be empty`);
}

export function validateDigest(digest: string): void {
  if (!DIGEST.test(digest) || (digest.startsWith('sha256:') && !SHA256.test(digest))) {
    throw new InvalidArgumentError(`digest "${digest}": not a valid digest (algorithm:hex)`);
  }
}

export function validateDescriptor(what: string, d: Descriptor): void {
  validateNonEmpty(`${what} media type`, d.mediaType);
  validateDigest(d.digest);
  if (!Number.isSafeInteger(d.size) || d.size < 0) throw new InvalidArgumentError(`${what} size ${d.size}: not a non-negative integer`);
}

export function validateLabels(labels: Labels): void {
  for (const [k, v] of Object.entries(labels)) {
    if (k.length === 0) throw new InvalidArgumentError('label key must not be empty');
    if (typeof v !== 'string') throw new InvalidArgumentError(`label "${k}": value must be a string`);
    if (Buffer.byteLength(k) + Buffer.byteLength(v) > MAX_LABEL) {
      throw new InvalidArgumentError(`label "${k}": key and value exceed ${MAX_LABEL} bytes`);
    }
  }
}

export function matchLabels(labels: Labels, filter: LabelFilter | undefined): boolean {
  if (!filter) return true;
  for (const [k, v] of Object.entries(filter)) {
    if (!Object.prototype.hasOwnProperty.call(labels, k)) return false;
    if (v !== undefined && labels[k] !== v) return false;
  }
  return true;
}
