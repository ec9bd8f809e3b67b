/**
 * ctr's image and content administration: `images rm/tag/check/label/usage/prune`,
 * `content get/rm/active/label/prune references`. Removals end with a synchronous garbage
 * collection of content and snapshots (services/gc.ts).
 */
import { ContentStore } from '../content';
import type { IngestStatus } from '../content/types';
import { InvalidArgumentError, NotFoundError } from '../errors';
import { hostPlatform, parsePlatform, type Platform } from '../images/platform';
import { openMetadata, type MetadataStore } from '../metadata';
import type { Descriptor, Image, Labels } from '../metadata/types';
import { openSnapshotter, type SnapshotUsage } from '../snapshots';
import { collectGarbage } from './gc';
import { withGcLock } from './gc-lock';
import { chainIDs, readImageManifest, resolveManifest } from './unpack-image';

export interface BatchResult {
  /** Names (or digests) handled, in argument order. */
  removed: string[];
  /** One per argument that failed; the others were still tried. */
  errors: Error[];
  /** Blobs deleted from disk by the garbage collection that followed. */
  deletedBlobs: string[];
}

/** One synchronous garbage collection (services/gc.ts): the blobs it deleted. */
async function collect(root: string): Promise<string[]> {
  return (await collectGarbage(root)).blobs;
}

export async function removeImages(root: string, namespace: string, names: string[]): Promise<BatchResult> {
  const meta = openMetadata(root);
  const removed: string[] = [];
  const errors: Error[] = [];
  try {
    for (const n of names) {
      try {
        meta.images.delete(namespace, n);
        removed.push(n);
      } catch (e) {
        if (e instanceof NotFoundError) errors.push(new NotFoundError(`image "${n}": not found`));
        else errors.push(e as Error);
      }
    }
  } finally {
    meta.close();
  }
  const deletedBlobs = removed.length ? await collect(root) : [];
  return { removed, errors, deletedBlobs };
}

/** New image records with the source's target; an existing target name is replaced only with force. */
export function tagImage(root: string, namespace: string, source: string, targets: string[], force = false): Image[] {
  const meta = openMetadata(root);
  try {
    return meta.tx(() => {
      const src = meta.images.find(namespace, source);
      if (!src) throw new NotFoundError(`image "${source}": not found`);
      return targets.map((t) => {
        if (force && meta.images.find(namespace, t)) return meta.images.update(namespace, t, { target: src.target, labels: src.labels });
        return meta.images.create(namespace, { name: t, target: src.target, labels: src.labels });
      });
    });
  } finally {
    meta.close();
  }
}

/** The blob's bytes, if the namespace holds it. */
export function readContent(root: string, namespace: string, digest: string): Buffer {
  const meta = openMetadata(root);
  try {
    if (!meta.content.find(namespace, digest)) throw new NotFoundError(`content digest ${digest}: not found`);
  } finally {
    meta.close();
  }
  return new ContentStore(root).readFile(digest);
}

/** Drops the namespace's references; a blob no namespace references any more is deleted. */
export function removeContent(root: string, namespace: string, digests: string[]): BatchResult {
  const meta = openMetadata(root);
  const removed: string[] = [];
  const errors: Error[] = [];
  const orphans: string[] = [];
  try {
    for (const d of digests) {
      try {
        if (!meta.content.remove(namespace, d).stillReferenced) orphans.push(d);
        removed.push(d);
      } catch (e) {
        if (e instanceof NotFoundError) errors.push(new NotFoundError(`content digest ${d}: not found`));
        else errors.push(e as Error);
      }
    }
  } finally {
    meta.close();
  }
  const store = new ContentStore(root);
  const deletedBlobs: string[] = [];
  withGcLock(root, () => {
    // Checked again under the lock: a pull may have referenced the blob since.
    const m = openMetadata(root);
    let gone: string[];
    try {
      gone = orphans.length ? m.content.unreferenced(orphans) : [];
    } finally {
      m.close();
    }
    for (const d of gone) {
      try {
        store.delete(d);
        deletedBlobs.push(d);
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
    }
  });
  return { removed, errors, deletedBlobs };
}

export function activeIngests(root: string): IngestStatus[] {
  return new ContentStore(root).activeIngests();
}

// --- images check / label / usage / prune, content label / prune references --------------

/** `ctr images check`: what of the platform's manifest is stored, and whether it is unpacked. */
export interface ImageCheck {
  name: string;
  target: Descriptor;
  /** complete / incomplete: every listed blob present or not; unavailable: the manifest is missing; error: unreadable. */
  status: 'complete' | 'incomplete' | 'unavailable' | 'error';
  /** Config and layers of the platform's manifest (containerd's images.Check). */
  required: number;
  present: number;
  requiredSize: number;
  presentSize: number;
  unpacked: boolean;
  /** Why the check or the unpack test failed. */
  error?: string;
}

/**
 * containerd's image filters, the subset ctr users write: `name==REF`, `name!=REF`,
 * `name~=REGEXP`, `labels."KEY"==VALUE`; a bare argument means `name==ARG`.
 */
export function imageFilter(filters: string[]): (img: Image) => boolean {
  const tests = filters.map((f): ((img: Image) => boolean) => {
    const m = /^(name|labels\.(?:"([^"]+)"|([^=!~]+)))(==|!=|~=)(.*)$/.exec(f);
    if (!m) return (img) => img.name === f;
    const get = (img: Image): string | undefined => (m[1] === 'name' ? img.name : img.labels[(m[2] ?? m[3]) as string]);
    const want = (m[5] as string).replace(/^"(.*)"$/, '$1');
    if (m[4] === '==') return (img) => get(img) === want;
    if (m[4] === '!=') return (img) => get(img) !== want;
    let re: RegExp;
    try {
      re = new RegExp(want);
    } catch (err) {
      throw new InvalidArgumentError(`filter ${f}: invalid regular expression (${(err as Error).message})`);
    }
    return (img) => { const v = get(img); return v !== undefined && re.test(v); };
  });
  // containerd ORs the filters it is given.
  return (img) => tests.length === 0 || tests.some((t) => t(img));
}

function withMeta<T>(root: string, fn: (m: MetadataStore) => T): T {
  const m = openMetadata(root);
  try {
    return fn(m);
  } finally {
    m.close();
  }
}

function isUnpacked(store: ContentStore, root: string, namespace: string, target: Descriptor, platform: Platform, snapshotter: string): boolean {
  const { diffIDs } = readImageManifest(store, target, platform);
  const top = chainIDs(diffIDs).pop();
  if (top === undefined) return false;
  try {
    return openSnapshotter(root, snapshotter, namespace).stat(top).kind === 'committed';
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

export function checkImages(root: string, namespace: string, opts: { filters?: string[]; snapshotter?: string; platform?: string } = {}): ImageCheck[] {
  const store = new ContentStore(root);
  const platform = opts.platform ? parsePlatform(opts.platform) : hostPlatform();
  const snapshotter = opts.snapshotter ?? 'overlayfs';
  return withMeta(root, (meta) => {
    const images = meta.images.list(namespace).filter(imageFilter(opts.filters ?? []));
    // A blob counts when this namespace holds it and it is on disk.
    const has = (digest: string): boolean => meta.content.find(namespace, digest) !== undefined && store.has(digest);
    return images.map((img) => {
      const c: ImageCheck = { name: img.name, target: img.target, status: 'complete', required: 0, present: 0, requiredSize: 0, presentSize: 0, unpacked: false };
      try {
        if (!has(img.target.digest)) throw new NotFoundError(`content ${img.target.digest}: not found`);
        const m = resolveManifest(store, img.target, platform);
        if (!has(m.manifest.digest)) throw new NotFoundError(`content ${m.manifest.digest}: not found`);
        for (const d of [m.config, ...m.layers]) {
          c.required++;
          c.requiredSize += d.size;
          if (has(d.digest)) { c.present++; c.presentSize += d.size; }
        }
        if (c.present < c.required) c.status = 'incomplete';
      } catch (err) {
        if (err instanceof NotFoundError) {
          c.status = 'unavailable';
        } else {
          c.status = 'error';
          c.error = `unable to check ${img.name}: ${(err as Error).message}`;
        }
      }
      try {
        c.unpacked = isUnpacked(store, root, namespace, img.target, platform, snapshotter);
      } catch (err) {
        if (!(err instanceof NotFoundError)) c.error ??= `unable to check unpack for ${img.name}: ${(err as Error).message}`;
      }
      return c;
    });
  });
}

/**
 * Sets (value given) and clears (empty value) the image's labels; with replaceAll the given
 * labels become the whole set. Returns the labels after the change.
 */
export function labelImage(root: string, namespace: string, name: string, labels: Labels, replaceAll = false): Labels {
  return withMeta(root, (meta) => meta.tx(() => {
    const img = meta.images.find(namespace, name);
    if (!img) throw new NotFoundError(`image "${name}": not found`);
    const next: Labels = replaceAll ? {} : { ...img.labels };
    for (const [k, v] of Object.entries(labels)) {
      if (v === '') delete next[k];
      else next[k] = v;
    }
    return meta.images.update(namespace, name, { labels: next }).labels;
  }));
}

/** `ctr images usage`: the image's unpacked snapshots, top layer first, with their disk usage. */
export function imageUsage(root: string, namespace: string, ref: string, snapshotter = 'overlayfs', platform?: string): { key: string; usage: SnapshotUsage }[] {
  const img = withMeta(root, (meta) => meta.images.find(namespace, ref));
  if (!img) throw new NotFoundError(`failed to ensure if image ${ref} exists: image "${ref}": not found`);
  const store = new ContentStore(root);
  const p = platform ? parsePlatform(platform) : hostPlatform();
  if (!isUnpacked(store, root, namespace, img.target, p, snapshotter)) {
    throw new NotFoundError(`image ${ref} isn't unpacked in snapshotter ${snapshotter}`);
  }
  const sn = openSnapshotter(root, snapshotter, namespace);
  const out: { key: string; usage: SnapshotUsage }[] = [];
  for (let key = chainIDs(readImageManifest(store, img.target, p).diffIDs).pop(); key !== undefined; key = sn.stat(key).parent) {
    out.push({ key, usage: sn.usage(key) });
  }
  return out;
}

/** `ctr images prune --all`: removes every image no container of the namespace was created from, then collects. */
export async function pruneImages(root: string, namespace: string): Promise<BatchResult> {
  const names = withMeta(root, (meta) => {
    const used = new Set(meta.containers.list(namespace).map((c) => c.image));
    return meta.images.list(namespace).map((i) => i.name).filter((n) => !used.has(n));
  });
  const r = await removeImages(root, namespace, names);
  // Removed meanwhile by someone else: not an error for prune.
  return { ...r, errors: r.errors.filter((e) => !(e instanceof NotFoundError)) };
}

/** `ctr content label`: sets (or with an empty value clears) labels of the namespace's blob; returns its labels. */
export function labelContent(root: string, namespace: string, digest: string, labels: Labels): Labels {
  if (!/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) throw new InvalidArgumentError(`invalid checksum digest format: ${digest}`);
  return withMeta(root, (meta) => meta.tx(() => {
    const c = meta.content.find(namespace, digest);
    if (!c) throw new NotFoundError(`content digest ${digest}: not found`);
    if (Object.keys(labels).length === 0) return c.labels;
    const next: Labels = { ...c.labels };
    for (const [k, v] of Object.entries(labels)) {
      if (v === '') delete next[k];
      else next[k] = v;
    }
    return meta.content.setLabels(namespace, digest, next).labels;
  }));
}

const LAYER_REF = 'containerd.io/gc.ref.content.l.';
const CONTENT_REF = 'containerd.io/gc.ref.content.';

/** ctr's isLayerLabel: `gc.ref.content.l.*`, and the legacy numbered `gc.ref.content.<n>` other than 0 (the config). */
export function isLayerRefLabel(key: string): boolean {
  if (key.startsWith(LAYER_REF)) return true;
  if (!key.startsWith(CONTENT_REF)) return false;
  const rest = key.slice(CONTENT_REF.length);
  return /^[0-9]*$/.test(rest) && rest !== '0';
}

export interface PruneReferencesResult {
  /** Each layer label dropped (or, dry, that would be). */
  labels: { digest: string; label: string }[];
  deletedBlobs: string[];
}

/**
 * `ctr content prune references`: drops the manifests' references to their layers, so the
 * garbage collection that follows deletes layer blobs that only unpacked images still name
 * (their snapshots stay: the config references them).
 */
export async function pruneContentReferences(root: string, namespace: string, dry = false): Promise<PruneReferencesResult> {
  const labels = withMeta(root, (meta) => meta.tx(() => {
    const out: { digest: string; label: string }[] = [];
    for (const c of meta.content.list(namespace)) {
      const drop = Object.keys(c.labels).filter(isLayerRefLabel).sort();
      if (drop.length === 0) continue;
      for (const label of drop) out.push({ digest: c.digest, label });
      if (dry) continue;
      const next = { ...c.labels };
      for (const k of drop) delete next[k];
      meta.content.setLabels(namespace, c.digest, next);
    }
    return out;
  }));
  return { labels, deletedBlobs: dry ? [] : await collect(root) };
}
