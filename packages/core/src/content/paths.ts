/**
 * Where the content store lives under a `--root` (containerd's io.containerd.content.v1.content).
 * Every path is built from a validated digest's hex or from the sha256 of an ingest ref, never
 * from caller text, so no digest or ref can name a file outside the store.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { sha256Hex } from './digest';

export interface ContentPaths {
  dir: string;
  /** blobs/sha256: committed, verified blobs named by their hex digest. */
  blobs: string;
  /** ingest/<sha256 of ref>/: one folder per active (possibly abandoned) write. */
  ingest: string;
  /** labels/sha256/<hex>.json: store-level labels of a blob (see store.ts). */
  labels: string;
}

export function contentPaths(root: string): ContentPaths {
  const dir = path.join(root, 'io.containerd.content.v1.content');
  return { dir, blobs: path.join(dir, 'blobs', 'sha256'), ingest: path.join(dir, 'ingest'), labels: path.join(dir, 'labels', 'sha256') };
}

export function blobPath(p: ContentPaths, digest: string): string {
  return path.join(p.blobs, sha256Hex(digest));
}

export function labelsPath(p: ContentPaths, digest: string): string {
  return path.join(p.labels, `${sha256Hex(digest)}.json`);
}

/** The ingest folder name of a ref: its sha256, as containerd does, so any ref text is safe. */
export function ingestKey(ref: string): string {
  return createHash('sha256').update(ref, 'utf8').digest('hex');
}

export interface IngestPaths {
  dir: string;
  data: string;
  ref: string;
  startedAt: string;
  updatedAt: string;
  total: string;
  lock: string;
  /** Serialises the breaking of a stale `lock` between processes (see lock.ts). */
  breakLock: string;
}

export function ingestPathsOf(dir: string): IngestPaths {
  const j = (n: string): string => path.join(dir, n);
  return { dir, data: j('data'), ref: j('ref'), startedAt: j('startedat'), updatedAt: j('updatedat'), total: j('total'), lock: j('lock'), breakLock: j('lock.break') };
}

export function ingestPaths(p: ContentPaths, ref: string): IngestPaths {
  return ingestPathsOf(path.join(p.ingest, ingestKey(ref)));
}
