/**
 * Store-level labels of a blob, kept in a JSON sidecar (labels/sha256/<hex>.json) replaced
 * atomically. They are not namespaced: the per-namespace labels ctr shows belong to the metadata
 * store (metadata/content.ts), as in containerd, where the local store keeps none of its own.
 * These serve tools working on the bare store (and survive without the metadata database).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors';
import { isErrno, readOptional } from './files';
import { writeFileAtomic } from '../util/atomic';
import { labelsPath, type ContentPaths } from '../layout';
import { makeRootDirs } from '../util/root-dirs';
import type { Labels } from './types';

const MAX_LABEL = 4096;

export function validateLabels(labels: unknown): asserts labels is Labels {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) throw new InvalidArgumentError('content labels must be an object of strings');
  for (const [k, v] of Object.entries(labels)) {
    if (k.length === 0) throw new InvalidArgumentError('content label key must not be empty');
    if (typeof v !== 'string') throw new InvalidArgumentError(`content label "${k}": value must be a string`);
    if (Buffer.byteLength(k) + Buffer.byteLength(v) > MAX_LABEL) throw new InvalidArgumentError(`content label "${k}": key and value exceed ${MAX_LABEL} bytes`);
  }
}

export function readLabels(p: ContentPaths, digest: string): Labels {
  const text = readOptional(labelsPath(p, digest));
  if (text === undefined) return {};
  try {
    const v: unknown = JSON.parse(text);
    validateLabels(v);
    return v;
  } catch {
    throw new InvalidArgumentError(`content ${digest}: labels file ${labelsPath(p, digest)} is not a JSON object of strings`);
  }
}

/** mtime of the sidecar, if any (for updatedAt). */
export function labelsMtime(p: ContentPaths, digest: string): Date | undefined {
  try {
    return fs.statSync(labelsPath(p, digest)).mtime;
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    throw e;
  }
}

/** Replaces the labels; an empty set removes the sidecar. */
export function writeLabels(p: ContentPaths, digest: string, labels: Labels): void {
  validateLabels(labels);
  const file = labelsPath(p, digest);
  if (Object.keys(labels).length === 0) {
    fs.rmSync(file, { force: true });
    return;
  }
  makeRootDirs(path.dirname(p.dir), p.labels);
  writeFileAtomic(file, `${JSON.stringify(labels)}\n`);
}

export function removeLabels(p: ContentPaths, digest: string): void {
  fs.rmSync(labelsPath(p, digest), { force: true });
}
