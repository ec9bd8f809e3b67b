/**
 * Unpacks an image whose content is already in the content store into snapshots keyed by chain
 * ID, as containerd's unpacker does: a chain already committed (by an earlier image or a
 * concurrent pull) is skipped; a layer is extracted into a uniquely named active snapshot and
 * becomes visible only when committed under its chain ID, so a killed unpack leaves nothing that
 * looks committed. Shared by pull and import; it writes no metadata records itself — the caller
 * records the returned snapshot label with the image, in its own transaction.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { ContentStore } from '../content';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from '../errors';
import { isIndex, isManifest } from '../images/media-types';
import { selectManifest } from '../images/manifest-select';
import { formatPlatform, hostPlatform, parsePlatform, type Platform } from '../images/platform';
import type { Descriptor } from '../images/registry';
import { applyLayer } from '../images/unpack';
import { unpackLockPath } from '../layout';
import { SNAPSHOT_REF_LABEL, openSnapshotter, type Snapshotter } from '../snapshots';
import { lockFile } from '../util/file-lock';
import { makeDirs } from '../util/make-dirs';

export type UnpackProgress =
  | { kind: 'unpacking'; platform: string; digest: string }
  | { kind: 'unpacked'; chainID: string; skipped: boolean };

export interface UnpackImageOptions {
  root: string;
  namespace: string;
  /** The image's target: an index (the platform's manifest is chosen) or a manifest. */
  target: Descriptor;
  /** `os/arch[/variant]` or a parsed platform; the host's by default. */
  platform?: string | Platform;
  /** "overlayfs" (default) or "native". */
  snapshotter?: string;
  onProgress?: (p: UnpackProgress) => void;
}

/** The platform manifest of an image and what it names, read from the content store. */
export interface ImageManifest {
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
  diffIDs: string[];
}

export interface UnpackImageResult extends ImageManifest {
  snapshotter: string;
  /** The top layer's chain ID (the image's rootfs parent); undefined for an image with no layers. */
  chainID?: string;
  /** containerd's GC edge from the config blob to the unpacked chain: add it to the config's content labels. */
  snapshotLabel?: { key: string; value: string };
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

/** The label key containerd puts on a config blob for the chain unpacked with `snapshotter`. */
export function snapshotRefLabel(snapshotter: string): string {
  return `containerd.io/gc.ref.snapshot.${snapshotter}`;
}

function readJson(store: ContentStore, d: Descriptor, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(store.readFile(d.digest).toString('utf8'));
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundError(`${what} ${d.digest}: not in the content store (pull the image again)`);
    throw new InvalidArgumentError(`${what} ${d.digest}: not valid JSON (${(err as Error).message})`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InvalidArgumentError(`${what} ${d.digest}: not a JSON object`);
  return v as Record<string, unknown>;
}

export function asDescriptor(d: unknown, what: string): Descriptor {
  const o = d as Partial<Descriptor> | null;
  if (!o || typeof o !== 'object' || typeof o.digest !== 'string' || typeof o.mediaType !== 'string' || typeof o.size !== 'number') {
    throw new InvalidArgumentError(`${what}: not a valid descriptor`);
  }
  return o as Descriptor;
}

export function descriptorList(json: Record<string, unknown>, key: string, what: string): Descriptor[] {
  const v = json[key];
  if (!Array.isArray(v)) throw new InvalidArgumentError(`${what}: "${key}" is not a list`);
  return v.map((d, i) => asDescriptor(d, `${what} ${key}[${i}]`));
}

/** The manifest a target names for platform (images/manifest-select.ts's rule) and what it lists. */
export function resolveManifest(store: ContentStore, target: Descriptor, platform: Platform): { manifest: Descriptor; config: Descriptor; layers: Descriptor[] } {
  if (!isIndex(target.mediaType) && !isManifest(target.mediaType)) {
    throw new InvalidArgumentError(`image target ${target.digest}: unsupported media type ${target.mediaType}`);
  }
  const manifest = selectManifest(target, platform, (d) => readJson(store, d, isIndex(d.mediaType) ? 'index' : isManifest(d.mediaType) ? 'manifest' : 'config'));
  const m = readJson(store, manifest, 'manifest');
  return { manifest, config: asDescriptor(m['config'], `manifest ${manifest.digest} config`), layers: descriptorList(m, 'layers', `manifest ${manifest.digest}`) };
}

/** Resolves target (index → the best manifest for platform) and reads the config's diff_ids. */
export function readImageManifest(store: ContentStore, target: Descriptor, platform: Platform): ImageManifest {
  const { manifest, config, layers } = resolveManifest(store, target, platform);
  const rootfs = readJson(store, config, 'config')['rootfs'] as { diff_ids?: unknown } | undefined;
  const diffIDs = rootfs?.diff_ids;
  if (!Array.isArray(diffIDs) || diffIDs.length !== layers.length || !diffIDs.every((d) => typeof d === 'string')) {
    throw new InvalidArgumentError(`config ${config.digest}: ${Array.isArray(diffIDs) ? diffIDs.length : 'no'} diff_ids for ${layers.length} layers`);
  }
  return { manifest, config, layers, diffIDs: diffIDs as string[] };
}

function committed(sn: Snapshotter, key: string): boolean {
  try {
    return sn.stat(key).kind === 'committed';
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

/**
 * Extracts one layer into a fresh active snapshot and commits it as `id`. Returns false when the
 * namespace turned out to have it already (or it was linked from another namespace).
 */
async function extract(sn: Snapshotter, store: ContentStore, layer: Descriptor, diffID: string, id: string, parent: string | undefined): Promise<boolean> {
  const key = `extract-${randomBytes(6).toString('hex')} ${id}`;
  try {
    await sn.prepare(key, parent, { [SNAPSHOT_REF_LABEL]: id });
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    if (committed(sn, id)) return false;
    // Said to exist but not visible here: extract after all; commit links a shared copy if there is one.
    await sn.prepare(key, parent);
  }
  try {
    const res = await applyLayer(store.readStream(layer.digest), sn.applyDir(key), { whiteouts: sn.name === 'overlayfs' ? 'overlay' : 'native' });
    if (res.diffID !== diffID) {
      throw new InvalidArgumentError(`layer ${layer.digest}: uncompressed digest ${res.diffID} does not match the config's diff_id ${diffID}`);
    }
    await sn.commit(id, key);
    return true;
  } catch (err) {
    await sn.remove(key).catch(() => undefined);
    if (committed(sn, id)) return false; // committed by another process meanwhile: as good as ours
    // Name the blob: a corrupt stream otherwise reads "layer: gzip stream: …" with no digest.
    if (err instanceof Error && !err.message.includes(layer.digest)) err.message = `layer ${layer.digest}: ${err.message.replace(/^layer: /, '')}`;
    throw err;
  }
}

/** Takes the per-chain extraction lock (a lock file per chain-ID prefix); returns its release. */
function lockChain(root: string, snapshotter: string, chainID: string): () => void {
  const file = unpackLockPath(root, snapshotter, chainID);
  makeDirs(path.dirname(file));
  return lockFile(file);
}

/** Unpacks the image's layers for one platform; every blob must already be in the content store. */
export async function unpackImage(opts: UnpackImageOptions): Promise<UnpackImageResult> {
  const platform: Platform = typeof opts.platform === 'string' ? parsePlatform(opts.platform) : opts.platform ?? hostPlatform();
  const store = new ContentStore(opts.root);
  const im = readImageManifest(store, opts.target, platform);
  const progress = opts.onProgress ?? ((): void => undefined);
  const sn = openSnapshotter(opts.root, opts.snapshotter ?? 'overlayfs', opts.namespace);
  progress({ kind: 'unpacking', platform: formatPlatform(platform), digest: im.manifest.digest });

  const chain = chainIDs(im.diffIDs);
  for (let i = 0; i < im.layers.length; i++) {
    const id = chain[i] as string;
    const layer = im.layers[i] as Descriptor;
    // One extraction of a chain at a time across processes: the others then find it committed.
    const unlock = lockChain(opts.root, sn.name, id);
    try {
      const done = committed(sn, id) || !(await extract(sn, store, layer, im.diffIDs[i] as string, id, i > 0 ? chain[i - 1] : undefined));
      progress({ kind: 'unpacked', chainID: id, skipped: done });
    } finally {
      unlock();
    }
  }
  const top = chain[chain.length - 1];
  const result: UnpackImageResult = { ...im, snapshotter: sn.name };
  if (top !== undefined) {
    result.chainID = top;
    result.snapshotLabel = { key: snapshotRefLabel(sn.name), value: top };
  }
  return result;
}
