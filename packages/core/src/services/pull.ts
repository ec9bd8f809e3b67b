/**
 * `ctr images pull` without a daemon: resolve, fetch every blob into the content store
 * (resumable ingests, already-stored blobs skipped), unpack the layers into snapshots keyed by
 * chain ID (services/unpack-image.ts), and only then record the image and its content refs in ONE
 * metadata transaction: a pull killed at any point leaves no image record.
 */
import { Readable } from 'node:stream';
import { ContentStore, IngestLockedError, ingestFromStream } from '../content';
import { InvalidArgumentError, NotFoundError } from '../errors';
import { openMetadata } from '../metadata';
import type { Labels } from '../metadata/types';
import { isIndex, isManifest } from '../images/media-types';
import { selectManifestAsync } from '../images/manifest-select';
import { formatPlatform, hostPlatform, parsePlatform, type Platform } from '../images/platform';
import { parseReference } from '../images/reference';
import type { Descriptor, RegistryClient } from '../images/registry';
import { limited } from '../util/limited';
import { clientFor, type RegistryAccess } from './fetch';
import { withSharedGcLock } from './gc-lock';
import { asDescriptor, descriptorList, unpackImage, type UnpackImageResult, type UnpackProgress } from './unpack-image';

export { chainIDs } from './unpack-image';

export type PullProgress =
  | { kind: 'resolved'; ref: string; digest: string }
  | { kind: 'fetching' | 'done' | 'exists'; ref: string; size: number }
  | UnpackProgress;

export interface PullOptions extends RegistryAccess {
  root: string;
  namespace: string;
  ref: string;
  /** `os/arch[/variant]`; the host's by default. */
  platform?: string;
  snapshotter?: string;
  /** Unpack into snapshots (default true). */
  unpack?: boolean;
  /** Layers downloaded at once (containerd's max_concurrent_downloads, default 3). */
  maxConcurrentDownloads?: number;
  /** Labels of the image record (`--label`). */
  labels?: Labels;
  onProgress?: (p: PullProgress) => void;
}

export interface PullResult {
  name: string;
  digest: string;
  size: number;
  layers: Descriptor[];
  unpacked: boolean;
  /** The unpacked chain's top chain ID (`--print-chainid`). */
  chainID?: string;
}

const GC = 'containerd.io/gc.ref.content';

/** The ingest ref containerd uses for a descriptor (`layer-sha256:…`), so a killed pull resumes. */
function ingestRef(kind: string, d: Descriptor): string {
  return `${kind}-${d.digest}`;
}

export async function pullImage(opts: PullOptions): Promise<PullResult> {
  // Shared with other pulls, exclusive with garbage collection (services/gc-lock.ts).
  return withSharedGcLock(opts.root, () => pullImageLocked(opts));
}

async function pullImageLocked(opts: PullOptions): Promise<PullResult> {
  const client = clientFor(opts);
  const ref = parseReference(opts.ref);
  const target: Platform = opts.platform ? parsePlatform(opts.platform) : hostPlatform();
  const store = new ContentStore(opts.root);
  const progress = opts.onProgress ?? ((): void => undefined);

  const resolved = await client.resolve(ref);
  const name = resolved.name;
  progress({ kind: 'resolved', ref: name, digest: resolved.descriptor.digest });

  /** Content refs to record: digest → size and gc labels. */
  const refs = new Map<string, { size: number; labels: Labels }>();
  const storeJson = async (kind: string, d: Descriptor, bytes: Buffer, labels: Labels): Promise<void> => {
    if (!store.has(d.digest)) await whenUnlocked(() => ingestFromStream(store, ingestRef(kind, d), Readable.from([bytes]), { expectedDigest: d.digest, expectedSize: bytes.length }));
    refs.set(d.digest, { size: bytes.length, labels });
    progress({ kind: 'done', ref: ingestRef(kind, d), size: bytes.length });
  };

  // Index → the best matching manifest.
  let top = resolved.descriptor;
  let fetched = await client.fetchManifest(ref, top);
  top = { ...top, mediaType: fetched.descriptor.mediaType, size: fetched.bytes.length };
  let manifestDesc = top;
  if (isIndex(top.mediaType)) {
    const children = descriptorList(fetched.json, 'manifests', `index ${top.digest} of ${name}`);
    const labels: Labels = {};
    children.forEach((c, i) => { labels[`${GC}.m.${i}`] = c.digest; });
    await storeJson('index', top, fetched.bytes, labels);
    // The shared rule (images/manifest-select.ts); a platform-less child is judged by its config.
    // What it reads is stored too, as containerd keeps such children: unpack reads them again.
    const seen = new Map<string, Awaited<ReturnType<RegistryClient['fetchManifest']>>>([[top.digest, fetched]]);
    const best = await selectManifestAsync(top, target, async (d) => {
      if (!isIndex(d.mediaType) && !isManifest(d.mediaType)) {
        const bytes = await client.readBlob(ref, d);
        let json: Record<string, unknown>;
        try {
          json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
        } catch {
          throw new InvalidArgumentError(`config ${d.digest} of ${name}: not valid JSON`);
        }
        await storeJson('config', d, bytes, {});
        return json;
      }
      const got = seen.get(d.digest) ?? await client.fetchManifest(ref, d);
      seen.set(d.digest, got);
      if (d.digest !== top.digest) {
        const config = (got.json['config'] as Descriptor | undefined)?.digest;
        await storeJson(isIndex(d.mediaType) ? 'index' : 'manifest', { ...d, size: got.bytes.length }, got.bytes, typeof config === 'string' ? { [`${GC}.config`]: config } : {});
      }
      return got.json;
    }).catch((err: unknown) => {
      throw err instanceof NotFoundError ? new NotFoundError(`image "${name}": no manifest for platform ${formatPlatform(target)}`) : err;
    });
    manifestDesc = best;
    fetched = seen.get(best.digest) ?? await client.fetchManifest(ref, best);
  } else if (!isManifest(top.mediaType)) {
    throw new InvalidArgumentError(`image "${name}": unsupported manifest type ${top.mediaType}`);
  }

  const configDesc = asDescriptor(fetched.json['config'], `manifest ${manifestDesc.digest} of ${name} config`);
  const layers = descriptorList(fetched.json, 'layers', `manifest ${manifestDesc.digest} of ${name}`);
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

  let unpack: UnpackImageResult | undefined;
  if (opts.unpack !== false) {
    unpack = await unpackImage({ root: opts.root, namespace: opts.namespace, target: top, platform: target, snapshotter: opts.snapshotter, onProgress: progress });
    const cfg = refs.get(configDesc.digest);
    // containerd's edge from the config to the unpacked chain, so GC keeps the snapshots.
    if (cfg && unpack.snapshotLabel) cfg.labels = { ...cfg.labels, [unpack.snapshotLabel.key]: unpack.snapshotLabel.value };
  }

  // Every blob is committed and unpacked: the image becomes visible all at once.
  const meta = openMetadata(opts.root);
  try {
    meta.tx(() => {
      meta.namespaces.ensure(opts.namespace);
      for (const [digest, r] of refs) {
        const cur = meta.content.find(opts.namespace, digest);
        meta.content.add(opts.namespace, { digest, size: r.size, labels: { ...(cur?.labels ?? {}), ...r.labels } });
      }
      const existing = meta.images.find(opts.namespace, name);
      if (existing) meta.images.update(opts.namespace, name, { target: top, ...(opts.labels ? { labels: { ...existing.labels, ...opts.labels } } : {}) });
      else meta.images.create(opts.namespace, { name, target: top, ...(opts.labels ? { labels: opts.labels } : {}) });
    });
  } finally {
    meta.close();
  }
  const result: PullResult = { name, digest: top.digest, size: top.size, layers, unpacked: unpack !== undefined };
  if (unpack?.chainID !== undefined) result.chainID = unpack.chainID;
  return result;
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
