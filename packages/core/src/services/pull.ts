/**
 * `ctr images pull` without a daemon: resolve, fetch every blob into the content store
 * (resumable ingests, already-stored blobs skipped), record the image and its content refs in
 * ONE metadata transaction once every blob is committed, then unpack the layers into
 * snapshots keyed by chain ID.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ContentStore, IngestLockedError, ingestFromStream } from '../content';
import { InvalidArgumentError, NotFoundError } from '../errors';
import { openMetadata } from '../metadata';
import type { Labels } from '../metadata/types';
import { isIndex, isManifest } from '../images/media-types';
import { formatPlatform, hostPlatform, parsePlatform, platformMatcher, type Platform } from '../images/platform';
import { parseReference } from '../images/reference';
import { RegistryClient, parseUserPass, staticCredentials, type Descriptor, type RegistryClientOptions } from '../images/registry';
import { applyLayer } from '../images/unpack';
import { openSnapshotter } from '../snapshots';
import { takeGcLock } from './gc-lock';

export type PullProgress =
  | { kind: 'resolved'; ref: string; digest: string }
  | { kind: 'fetching' | 'done' | 'exists'; ref: string; size: number }
  | { kind: 'unpacking'; platform: string; digest: string }
  | { kind: 'unpacked'; chainID: string; skipped: boolean };

export interface PullOptions {
  root: string;
  namespace: string;
  ref: string;
  /** `os/arch[/variant]`; the host's by default. */
  platform?: string;
  plainHttp?: boolean;
  skipVerify?: boolean;
  /** `user[:password]` */
  user?: string;
  hostsDir?: string;
  snapshotter?: string;
  /** Unpack into snapshots (default true). */
  unpack?: boolean;
  /** Layers downloaded at once (containerd's max_concurrent_downloads, default 3). */
  maxConcurrentDownloads?: number;
  onProgress?: (p: PullProgress) => void;
}

export interface PullResult {
  name: string;
  digest: string;
  size: number;
  layers: Descriptor[];
  unpacked: boolean;
}

interface ImageConfig {
  rootfs?: { diff_ids?: unknown };
}

const GC = 'containerd.io/gc.ref.content';

/** The ingest ref containerd uses for a descriptor (`layer-sha256:…`), so a killed pull resumes. */
function ingestRef(kind: string, d: Descriptor): string {
  return `${kind}-${d.digest}`;
}

/** chainID(1) = diffID(1); chainID(n) = sha256(chainID(n-1) + " " + diffID(n)). */
export function chainIDs(diffIDs: string[]): string[] {
  const out: string[] = [];
  for (const d of diffIDs) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? d : `sha256:${createHash('sha256').update(`${prev} ${d}`).digest('hex')}`);
  }
  return out;
}

async function limited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i] as T);
      } catch (err) {
        if (failed === undefined) failed = err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== undefined) throw failed;
  return out;
}

function descriptors(json: Record<string, unknown>, key: string, what: string): Descriptor[] {
  const v = json[key];
  if (!Array.isArray(v)) throw new InvalidArgumentError(`${what}: "${key}" is not a list`);
  return v.map((d, i) => asDescriptor(d, `${what} ${key}[${i}]`));
}

function asDescriptor(d: unknown, what: string): Descriptor {
  const o = d as Partial<Descriptor> | null;
  if (!o || typeof o !== 'object' || typeof o.digest !== 'string' || typeof o.mediaType !== 'string' || typeof o.size !== 'number') {
    throw new InvalidArgumentError(`${what}: not a valid descriptor`);
  }
  return o as Descriptor;
}

export async function pullImage(opts: PullOptions): Promise<PullResult> {
  // Shared with other pulls, exclusive with garbage collection (services/gc-lock.ts).
  const release = takeGcLock(opts.root, false);
  try {
    return await pullImageLocked(opts);
  } finally {
    release();
  }
}

async function pullImageLocked(opts: PullOptions): Promise<PullResult> {
  const copts: RegistryClientOptions = { plainHttp: opts.plainHttp, skipVerify: opts.skipVerify, hostsDir: opts.hostsDir };
  if (opts.user !== undefined) copts.credentials = staticCredentials(parseUserPass(opts.user));
  const client = new RegistryClient(copts);
  const ref = parseReference(opts.ref);
  const target: Platform = opts.platform ? parsePlatform(opts.platform) : hostPlatform();
  const matcher = platformMatcher(target);
  const store = new ContentStore(opts.root);
  const progress = opts.onProgress ?? ((): void => undefined);

  const resolved = await client.resolve(ref);
  const name = resolved.name;
  progress({ kind: 'resolved', ref: name, digest: resolved.descriptor.digest });

  /** Content refs to record: digest → size and gc labels. */
  const refs = new Map<string, { size: number; labels: Labels }>();
  const storeJson = async (kind: string, d: Descriptor, bytes: Buffer, labels: Labels): Promise<void> => {
    await whenUnlocked(() => ingestFromStream(store, ingestRef(kind, d), Readable.from([bytes]), { expectedDigest: d.digest, expectedSize: bytes.length }));
    refs.set(d.digest, { size: bytes.length, labels });
    progress({ kind: 'done', ref: ingestRef(kind, d), size: bytes.length });
  };

  // Index → the best matching manifest.
  let top = resolved.descriptor;
  let fetched = await client.fetchManifest(ref, top);
  top = { ...top, mediaType: fetched.descriptor.mediaType, size: fetched.bytes.length };
  let manifestDesc = top;
  if (isIndex(top.mediaType)) {
    const children = descriptors(fetched.json, 'manifests', `index ${top.digest} of ${name}`);
    const labels: Labels = {};
    children.forEach((c, i) => { labels[`${GC}.m.${i}`] = c.digest; });
    await storeJson('index', top, fetched.bytes, labels);
    const best = matcher.sort(children.filter((c) => isManifest(c.mediaType)))[0];
    if (!best) throw new NotFoundError(`image "${name}": no manifest for platform ${formatPlatform(target)}`);
    manifestDesc = best;
    fetched = await client.fetchManifest(ref, best);
  } else if (!isManifest(top.mediaType)) {
    throw new InvalidArgumentError(`image "${name}": unsupported manifest type ${top.mediaType}`);
  }

  const configDesc = asDescriptor(fetched.json['config'], `manifest ${manifestDesc.digest} of ${name} config`);
  const layers = descriptors(fetched.json, 'layers', `manifest ${manifestDesc.digest} of ${name}`);
  const mlabels: Labels = { [`${GC}.config`]: configDesc.digest };
  layers.forEach((l, i) => { mlabels[`${GC}.l.${i}`] = l.digest; });
  await storeJson('manifest', manifestDesc, fetched.bytes, mlabels);

  const fetchBlob = async (kind: string, d: Descriptor): Promise<void> => {
    if (store.has(d.digest)) {
      progress({ kind: 'exists', ref: ingestRef(kind, d), size: d.size });
    } else {
      progress({ kind: 'fetching', ref: ingestRef(kind, d), size: d.size });
      await whenUnlocked(() => ingestFromStream(store, ingestRef(kind, d), async (offset) => {
        const b = await client.fetchBlob(ref, d, { offset });
        if (b.offset !== offset) throw new InvalidArgumentError(`blob ${d.digest}: registry ignored the range from ${offset}`);
        return b.stream;
      }, { expectedDigest: d.digest, expectedSize: d.size }));
      progress({ kind: 'done', ref: ingestRef(kind, d), size: d.size });
    }
    refs.set(d.digest, { size: d.size, labels: refs.get(d.digest)?.labels ?? {} });
  };
  await fetchBlob('config', configDesc);
  await limited(layers, opts.maxConcurrentDownloads ?? 3, (l) => fetchBlob('layer', l));

  const config = JSON.parse(store.readFile(configDesc.digest).toString('utf8')) as ImageConfig;
  const diffIDs = config.rootfs?.diff_ids;
  if (!Array.isArray(diffIDs) || diffIDs.length !== layers.length || !diffIDs.every((d) => typeof d === 'string')) {
    throw new InvalidArgumentError(`image "${name}": config ${configDesc.digest} has ${Array.isArray(diffIDs) ? diffIDs.length : 'no'} diff_ids for ${layers.length} layers`);
  }

  // Every blob is committed: the image becomes visible all at once.
  const meta = openMetadata(opts.root);
  try {
    meta.tx(() => {
      meta.namespaces.ensure(opts.namespace);
      for (const [digest, r] of refs) {
        const cur = meta.content.find(opts.namespace, digest);
        meta.content.add(opts.namespace, { digest, size: r.size, labels: { ...(cur?.labels ?? {}), ...r.labels } });
      }
      if (meta.images.find(opts.namespace, name)) meta.images.update(opts.namespace, name, { target: top });
      else meta.images.create(opts.namespace, { name, target: top });
    });
  } finally {
    meta.close();
  }

  let unpacked = false;
  if (opts.unpack !== false) {
    progress({ kind: 'unpacking', platform: formatPlatform(target), digest: manifestDesc.digest });
    const sn = await unpackLayers(opts, store, layers, diffIDs as string[], progress);
    unpacked = true;
    const top = chainIDs(diffIDs as string[]).pop();
    if (top !== undefined) {
      // containerd's edge from the config to the unpacked chain, so GC keeps the snapshots.
      const m = openMetadata(opts.root);
      try {
        m.tx(() => {
          const cur = m.content.find(opts.namespace, configDesc.digest);
          if (cur) m.content.setLabels(opts.namespace, configDesc.digest, { ...cur.labels, [`containerd.io/gc.ref.snapshot.${sn}`]: top });
        });
      } finally {
        m.close();
      }
    }
  }
  return { name, digest: top.digest, size: top.size, layers, unpacked };
}

/** Unpacks the layers; returns the snapshotter's name. */
async function unpackLayers(opts: PullOptions, store: ContentStore, layers: Descriptor[], diffIDs: string[], progress: (p: PullProgress) => void): Promise<string> {
  const sn = openSnapshotter(opts.root, opts.snapshotter ?? 'overlayfs');
  const chain = chainIDs(diffIDs);
  for (let i = 0; i < layers.length; i++) {
    const id = chain[i] as string;
    const parent = i > 0 ? chain[i - 1] : undefined;
    if (committed(sn, id)) {
      progress({ kind: 'unpacked', chainID: id, skipped: true });
      continue;
    }
    const key = `extract-${randomBytes(6).toString('hex')} ${id}`;
    await sn.prepare(key, parent);
    try {
      const res = await applyLayer(store.readStream((layers[i] as Descriptor).digest), sn.applyDir(key), { whiteouts: sn.name === 'overlayfs' ? 'overlay' : 'native' });
      if (res.diffID !== diffIDs[i]) {
        throw new InvalidArgumentError(`layer ${(layers[i] as Descriptor).digest}: uncompressed digest ${res.diffID} does not match the config's diff_id ${String(diffIDs[i])}`);
      }
      await sn.commit(id, key);
    } catch (err) {
      await sn.remove(key).catch(() => undefined);
      // Another pull committed the same chain meanwhile: theirs is as good as ours.
      if (committed(sn, id)) continue;
      throw err;
    }
    progress({ kind: 'unpacked', chainID: id, skipped: false });
  }
  return sn.name;
}

const LOCK_WAIT_MS = 10 * 60_000;

/** Runs an ingest; while another live process holds the same ref, waits for it (its blob then exists). */
async function whenUnlocked<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof IngestLockedError) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function committed(sn: ReturnType<typeof openSnapshotter>, key: string): boolean {
  try {
    return sn.stat(key).kind === 'committed';
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}
