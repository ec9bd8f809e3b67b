/**
 * `ctr images push`: an image's content from the store to a registry. Blobs first (HEAD to skip
 * what the repository has, a cross-repository mount when the blob's distribution-source label
 * names another repository of the same registry, else an upload), then the manifests, children
 * before the index, so the registry never holds a manifest whose blobs are missing. Nothing
 * local changes.
 */
import { Readable } from 'node:stream';
import { ContentStore } from '../content';
import { InvalidArgumentError, NotFoundError } from '../errors';
import { isForeignLayer, isIndex, isManifest, MediaType } from '../images/media-types';
import { parsePlatform, platformMatcher } from '../images/platform';
import { formatReference, parseReference, validateDigest, type Reference } from '../images/reference';
import type { Descriptor } from '../images/registry';
import { openMetadata } from '../metadata';
import type { Labels } from '../metadata/types';
import { limited } from '../util/limited';
import { DISTRIBUTION_SOURCE, clientFor, refKey, type RegistryAccess, type TransferProgress } from './fetch';
import { asDescriptor, descriptorList } from './unpack-image';
import { takeGcLock } from './gc-lock';

export interface PushOptions extends RegistryAccess {
  root: string;
  namespace: string;
  /** Where to push (`host/repo:tag`). */
  remote: string;
  /** The local image name; `remote` when unset. */
  local?: string;
  /** `--manifest`: push this manifest digest instead of an image's target. */
  manifest?: string;
  /** `--manifest-type`: its media type (OCI manifest by default). */
  manifestType?: string;
  /** `--platform`: with one platform, an index's matching manifest is pushed instead of the index. */
  platforms?: string[];
  allowNonDistributable?: boolean;
  maxConcurrentUploads?: number;
  /** Upload blobs larger than this in PATCH chunks of this size (monolithic PUT when unset). */
  chunkSize?: number;
  onProgress?: (p: TransferProgress) => void;
}

export interface PushResult {
  name: string;
  target: Descriptor;
  /** How each descriptor went, by digest. */
  outcomes: Record<string, 'pushed' | 'exists' | 'mounted' | 'skipped'>;
}

interface Plan {
  blobs: Descriptor[];
  /** Manifests and indexes, children first; the last one is the target. */
  manifests: Array<{ desc: Descriptor; bytes: Buffer }>;
}

export async function pushImage(opts: PushOptions): Promise<PushResult> {
  // Shared like a pull: GC must not delete what is being read.
  const release = takeGcLock(opts.root, false);
  try {
    return await pushLocked(opts);
  } finally {
    release();
  }
}

function targetOf(opts: PushOptions, store: ContentStore): Descriptor {
  if (opts.manifest !== undefined) {
    validateDigest(opts.manifest, '--manifest');
    const mediaType = opts.manifestType ?? MediaType.OciManifest;
    if (!store.has(opts.manifest)) throw new NotFoundError(`manifest ${opts.manifest}: not found in the content store`);
    return { mediaType, digest: opts.manifest, size: store.info(opts.manifest).size };
  }
  const local = opts.local ?? opts.remote;
  const meta = openMetadata(opts.root);
  let target: Descriptor;
  try {
    const img = meta.images.find(opts.namespace, local) ?? meta.images.find(opts.namespace, formatReference(parseReference(local)));
    if (!img) throw new NotFoundError(`image "${local}": not found in namespace "${opts.namespace}" (unable to resolve image to manifest)`);
    target = img.target;
  } finally {
    meta.close();
  }
  const ps = opts.platforms ?? [];
  if (ps.length === 1 && isIndex(target.mediaType) && store.has(target.digest)) {
    // As ctr: one --platform picks that platform's manifest out of the index.
    const m = platformMatcher(parsePlatform(ps[0] as string));
    const children = descriptorList(readJson(store, target, local), 'manifests', `index ${target.digest} of ${local}`);
    const found = children.find((c) => c.platform !== undefined && m.match(c.platform));
    if (found) return found;
  }
  return target;
}

function readJson(store: ContentStore, d: Descriptor, image: string): Record<string, unknown> {
  if (!store.has(d.digest)) {
    throw new NotFoundError(`content ${d.digest} (${refKey(d)}) of image "${image}": not found in the content store (pull it with --all-platforms, or push one --platform)`);
  }
  try {
    const v: unknown = JSON.parse(store.readFile(d.digest).toString('utf8'));
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw new InvalidArgumentError(`${refKey(d)} of image "${image}": not a JSON object`);
  }
}

/** Walks the image from its target: every blob and manifest that must reach the registry. */
function plan(store: ContentStore, target: Descriptor, image: string, allowNonDistributable: boolean, skipped: Descriptor[]): Plan {
  const out: Plan = { blobs: [], manifests: [] };
  const seen = new Set<string>();
  const visit = (d: Descriptor): void => {
    if (seen.has(d.digest)) return;
    seen.add(d.digest);
    if (isIndex(d.mediaType) || isManifest(d.mediaType)) {
      const json = readJson(store, d, image);
      if (isIndex(d.mediaType)) {
        for (const c of descriptorList(json, 'manifests', `index ${d.digest}`)) visit(c);
      } else {
        visit(asDescriptor(json['config'], `manifest ${d.digest} config`));
        for (const l of descriptorList(json, 'layers', `manifest ${d.digest}`)) visit(l);
      }
      out.manifests.push({ desc: d, bytes: store.readFile(d.digest) });
      return;
    }
    if (isForeignLayer(d.mediaType) && !allowNonDistributable) { skipped.push(d); return; }
    if (!store.has(d.digest)) throw new NotFoundError(`content ${d.digest} (${refKey(d)}) of image "${image}": not found in the content store`);
    out.blobs.push(d);
  };
  visit(target);
  return out;
}

async function pushLocked(opts: PushOptions): Promise<PushResult> {
  const remote: Reference = parseReference(opts.remote);
  const store = new ContentStore(opts.root);
  const progress = opts.onProgress ?? ((): void => undefined);
  const meta = openMetadata(opts.root);
  const labelsOf = (digest: string): Labels => meta.content.find(opts.namespace, digest)?.labels ?? {};
  let p: Plan;
  let target: Descriptor;
  const skipped: Descriptor[] = [];
  try {
    target = targetOf(opts, store);
    p = plan(store, target, opts.local ?? opts.remote, opts.allowNonDistributable === true, skipped);
  } catch (err) {
    meta.close();
    throw err;
  }
  // Repositories of the same registry that already hold each blob, from the labels fetch/pull leave.
  const sources = new Map<string, string[]>();
  try {
    for (const b of p.blobs) {
      const v = labelsOf(b.digest)[`${DISTRIBUTION_SOURCE}.${remote.domain}`];
      if (v) sources.set(b.digest, v.split(',').filter((s) => s !== '' && s !== remote.path));
    }
  } finally {
    meta.close();
  }
  const client = clientFor(opts, remote.domain);
  const name = formatReference(remote);
  progress({ kind: 'resolved', ref: name, digest: target.digest });
  const outcomes: PushResult['outcomes'] = {};
  for (const s of skipped) {
    outcomes[s.digest] = 'skipped';
    progress({ kind: 'skipped', ref: refKey(s), digest: s.digest, size: s.size });
  }
  await limited(p.blobs, opts.maxConcurrentUploads ?? 3, async (b) => {
    const key = refKey(b);
    progress({ kind: 'started', ref: key, digest: b.digest, size: b.size });
    const result = await client.pushBlob(remote, b, (start, end) => (end > start ? store.readStream(b.digest, { start, end: end - 1 }) : Readable.from([])), {
      mountFrom: sources.get(b.digest) ?? [],
      ...(opts.chunkSize !== undefined ? { chunkSize: opts.chunkSize } : {}),
    });
    outcomes[b.digest] = result;
    progress({ kind: result === 'pushed' ? 'done' : result, ref: key, digest: b.digest, size: b.size });
  });
  for (const m of p.manifests) {
    const key = refKey(m.desc);
    progress({ kind: 'started', ref: key, digest: m.desc.digest, size: m.desc.size });
    // Children go by digest; the target under the remote's tag.
    const isTarget = m.desc.digest === target.digest;
    const dest: Reference = isTarget ? remote : { domain: remote.domain, path: remote.path, digest: m.desc.digest };
    await client.pushManifest(dest, m.desc.mediaType, m.bytes);
    outcomes[m.desc.digest] = 'pushed';
    progress({ kind: 'done', ref: key, digest: m.desc.digest, size: m.desc.size });
  }
  return { name, target, outcomes };
}
