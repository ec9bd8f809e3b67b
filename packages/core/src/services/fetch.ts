/**
 * `ctr content fetch`: every blob of an image (index, the matching manifests, their configs and
 * layers) into the content store, without unpacking. As containerd's client.Fetch does, the
 * content refs and the image record are written in one metadata transaction once every blob is
 * committed, and each blob is labelled with the repository it came from
 * (`containerd.io/distribution.source.<host>`), which a later push uses to mount across
 * repositories instead of uploading.
 */
import { Readable } from 'node:stream';
import { ContentStore, IngestLockedError, ingestFromStream } from '../content';
import { InvalidArgumentError } from '../errors';
import { isConfig, isIndex, isLayer, isManifest, isSchema1 } from '../images/media-types';
import { parsePlatform, platformMatcher, hostPlatform, type Platform } from '../images/platform';
import { parseReference } from '../images/reference';
import { RegistryClient, parseUserPass, staticCredentials, type Descriptor, type RegistryClientOptions } from '../images/registry';
import { openMetadata } from '../metadata';
import type { Labels } from '../metadata/types';
import { limited } from '../util/limited';
import { withSharedGcLock } from './gc-lock';
import { asDescriptor, descriptorList } from './unpack-image';

/** How to reach a registry: the flags every ctr registry command shares. */
export interface RegistryAccess {
  plainHttp?: boolean;
  skipVerify?: boolean;
  /** `user:password` (the CLI asks for a missing password before calling). */
  user?: string;
  /** `--refresh`: an OAuth refresh token for the token server. */
  refreshToken?: string;
  hostsDir?: string;
}

/** One step of a transfer, keyed like containerd's refs (`layer-sha256:…`, `manifest-…`). */
export type TransferProgress =
  | { kind: 'resolved'; ref: string; digest: string }
  | { kind: 'started' | 'done' | 'exists' | 'mounted' | 'skipped'; ref: string; digest: string; size: number };

export interface FetchOptions extends RegistryAccess {
  root: string;
  namespace: string;
  ref: string;
  /** `os/arch[/variant]` list; the host's when empty. */
  platforms?: string[];
  allPlatforms?: boolean;
  /** Manifests and configs of every platform, layers only of the chosen ones. */
  allMetadata?: boolean;
  /** Labels of the image record. */
  labels?: Labels;
  maxConcurrentDownloads?: number;
  onProgress?: (p: TransferProgress) => void;
}

export interface FetchResult {
  name: string;
  target: Descriptor;
  /** Digests stored, in walk order. */
  digests: string[];
}

const GC = 'containerd.io/gc.ref.content';
export const DISTRIBUTION_SOURCE = 'containerd.io/distribution.source';

/** containerd's ref key of a descriptor (remotes.MakeRefKey). */
export function refKey(d: Pick<Descriptor, 'mediaType' | 'digest'>): string {
  const mt = d.mediaType;
  if (isManifest(mt) || isSchema1(mt)) return `manifest-${d.digest}`;
  if (isIndex(mt)) return `index-${d.digest}`;
  if (isLayer(mt)) return `layer-${d.digest}`;
  if (isConfig(mt)) return `config-${d.digest}`;
  return `unknown-${d.digest}`;
}

/**
 * A registry client for the access flags. With `host`, `--user` and `--refresh` are for that
 * registry only (ctr's static credentials), not for a token realm elsewhere; without it (pull, as
 * it always was), for whichever host asks.
 */
export function clientFor(a: RegistryAccess, host?: string): RegistryClient {
  const copts: RegistryClientOptions = { plainHttp: a.plainHttp, skipVerify: a.skipVerify, hostsDir: a.hostsDir };
  const mine = (h: string): boolean => host === undefined || h === host;
  if (a.refreshToken !== undefined) {
    const token = { username: a.user !== undefined ? parseUserPass(a.user).username : '', secret: a.refreshToken, identityToken: true };
    copts.credentials = (h: string) => (mine(h) ? token : undefined);
  } else if (a.user !== undefined) {
    const only = staticCredentials(parseUserPass(a.user));
    copts.credentials = (h: string) => (mine(h) ? only(h) : undefined);
  }
  return new RegistryClient(copts);
}

/** Runs an ingest; while another live process holds the same ref, waits for it (its blob then exists). */
async function whenUnlocked<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof IngestLockedError) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

interface Matcher { match(p: Platform): boolean }

function matcherFor(opts: FetchOptions): Matcher {
  if (opts.allPlatforms) return { match: () => true };
  const list = (opts.platforms ?? []).length > 0 ? (opts.platforms ?? []).map(parsePlatform) : [hostPlatform()];
  const ms = list.map((p) => platformMatcher(p));
  return { match: (p) => ms.some((m) => m.match(p)) };
}

export async function fetchContent(opts: FetchOptions): Promise<FetchResult> {
  return withSharedGcLock(opts.root, () => fetchLocked(opts));
}

async function fetchLocked(opts: FetchOptions): Promise<FetchResult> {
  const ref = parseReference(opts.ref);
  const client = clientFor(opts, ref.domain);
  const store = new ContentStore(opts.root);
  const matcher = matcherFor(opts);
  const progress = opts.onProgress ?? ((): void => undefined);
  const resolved = await client.resolve(ref);
  progress({ kind: 'resolved', ref: resolved.name, digest: resolved.descriptor.digest });

  const refs = new Map<string, { size: number; labels: Labels }>();
  const source = { [`${DISTRIBUTION_SOURCE}.${ref.domain}`]: ref.path };
  const blobs: Descriptor[] = [];

  /** Stores a manifest or index and returns what to fetch under it. */
  const walk = async (d: Descriptor, fetchLayers: boolean): Promise<void> => {
    const got = await client.fetchManifest(ref, d);
    const desc = { ...d, mediaType: got.descriptor.mediaType, size: got.bytes.length };
    const labels: Labels = { ...source };
    const what = `${refKey(desc).split('-')[0]} ${desc.digest} of ${resolved.name}`;
    const next: Array<() => Promise<void>> = [];
    if (isIndex(desc.mediaType)) {
      let i = 0;
      for (const c of descriptorList(got.json, 'manifests', what)) {
        // As containerd's platform filter: children without a platform are kept.
        const wanted = c.platform === undefined || matcher.match(c.platform);
        if (!wanted && !opts.allMetadata) continue;
        if (!isIndex(c.mediaType) && !isManifest(c.mediaType)) continue;
        labels[`${GC}.m.${i++}`] = c.digest;
        next.push(() => walk(c, fetchLayers && wanted));
      }
    } else if (isManifest(desc.mediaType)) {
      const config = asDescriptor(got.json['config'], `${what} config`);
      labels[`${GC}.config`] = config.digest;
      blobs.push(config);
      if (fetchLayers) {
        descriptorList(got.json, 'layers', what).forEach((l, i) => {
          labels[`${GC}.l.${i}`] = l.digest;
          blobs.push(l);
        });
      }
    } else {
      throw new InvalidArgumentError(`image "${resolved.name}": unsupported manifest type ${desc.mediaType}`);
    }
    const key = refKey(desc);
    progress({ kind: 'started', ref: key, digest: desc.digest, size: desc.size });
    const had = store.has(desc.digest);
    await whenUnlocked(() => ingestFromStream(store, key, Readable.from([got.bytes]), { expectedDigest: desc.digest, expectedSize: desc.size }));
    refs.set(desc.digest, { size: desc.size, labels });
    progress({ kind: had ? 'exists' : 'done', ref: key, digest: desc.digest, size: desc.size });
    for (const n of next) await n();
  };
  const top = resolved.descriptor;
  await walk(top, true);

  const unique = [...new Map(blobs.map((b) => [b.digest, b])).values()];
  await limited(unique, opts.maxConcurrentDownloads ?? 3, async (d) => {
    const key = refKey(d);
    if (store.has(d.digest)) {
      progress({ kind: 'exists', ref: key, digest: d.digest, size: d.size });
    } else {
      progress({ kind: 'started', ref: key, digest: d.digest, size: d.size });
      await whenUnlocked(() => ingestFromStream(store, key, async (offset) => {
        const b = await client.fetchBlob(ref, d, { offset });
        if (b.offset !== offset) throw new InvalidArgumentError(`blob ${d.digest}: registry ignored the range from ${offset}`);
        return b.stream;
      }, { expectedDigest: d.digest, expectedSize: d.size }));
      progress({ kind: 'done', ref: key, digest: d.digest, size: d.size });
    }
    refs.set(d.digest, { size: d.size, labels: { ...source } });
  });

  const target: Descriptor = { mediaType: top.mediaType, digest: top.digest, size: top.size };
  recordFetched(opts, resolved.name, target, refs);
  return { name: resolved.name, target, digests: [...refs.keys()] };
}

/** Content refs and the image record in one transaction; a source label already there is extended. */
function recordFetched(opts: FetchOptions, name: string, target: Descriptor, refs: Map<string, { size: number; labels: Labels }>): void {
  const meta = openMetadata(opts.root);
  try {
    meta.tx(() => {
      meta.namespaces.ensure(opts.namespace);
      for (const [digest, r] of refs) {
        const cur = meta.content.find(opts.namespace, digest);
        const labels: Labels = { ...(cur?.labels ?? {}), ...r.labels };
        for (const [k, v] of Object.entries(r.labels)) {
          const old = cur?.labels[k];
          if (k.startsWith(`${DISTRIBUTION_SOURCE}.`) && old !== undefined) labels[k] = [...new Set([...old.split(','), v])].join(',');
        }
        meta.content.add(opts.namespace, { digest, size: r.size, labels });
      }
      const existing = meta.images.find(opts.namespace, name);
      if (existing) meta.images.update(opts.namespace, name, { target, ...(opts.labels ? { labels: { ...existing.labels, ...opts.labels } } : {}) });
      else meta.images.create(opts.namespace, { name, target, ...(opts.labels ? { labels: opts.labels } : {}) });
    });
  } finally {
    meta.close();
  }
}

