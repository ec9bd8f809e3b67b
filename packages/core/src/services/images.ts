/** ctr's `images ls` and `content ls` over the metadata and content stores. */
import { ContentStore } from '../content';
import { openMetadata } from '../metadata';
import type { ContentRef, Image } from '../metadata/types';
import { isIndex, isManifest } from '../images/media-types';
import { formatPlatform, normalizePlatform, type Platform } from '../images/platform';

export interface ImageSummary extends Image {
  /** Bytes of every stored blob the image reaches (index, manifests, configs, layers). */
  size: number;
  /** `os/arch[/variant]` of each manifest, in the index's order (as containerd's images.Platforms). */
  platforms: string[];
}

interface Walked { size: number; platforms: string[] }

function readJson(store: ContentStore, digest: string): Record<string, unknown> | undefined {
  if (!store.has(digest)) return undefined;
  try {
    return JSON.parse(store.readFile(digest).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

type Desc = { mediaType?: string; digest?: string; size?: number; platform?: Platform };

/**
 * Walks what is stored under `d`, counting sizes once per digest (a blob missing locally is not
 * counted). A child that names its platform gives it without being read, as in containerd.
 */
function walk(store: ContentStore, d: Desc, out: Walked, seen: Set<string>, platformKnown = false): void {
  if (typeof d.digest !== 'string' || seen.has(d.digest)) return;
  seen.add(d.digest);
  if (!store.has(d.digest)) return;
  out.size += store.info(d.digest).size;
  const mt = d.mediaType ?? '';
  if (isIndex(mt)) {
    const j = readJson(store, d.digest);
    for (const c of (Array.isArray(j?.['manifests']) ? j['manifests'] : []) as Desc[]) {
      const known = c.platform !== undefined && c.platform !== null;
      if (c.platform && c.platform.os !== 'unknown' && c.platform.architecture !== 'unknown') out.platforms.push(formatPlatform(normalizePlatform(c.platform)));
      walk(store, c, out, seen, known || platformKnown);
    }
  } else if (isManifest(mt)) {
    const j = readJson(store, d.digest);
    const config = j?.['config'] as Desc | undefined;
    if (config) {
      const c = typeof config.digest === 'string' ? readJson(store, config.digest) : undefined;
      if (!platformKnown && c && typeof c['os'] === 'string' && typeof c['architecture'] === 'string') {
        const p: Platform = { os: c['os'], architecture: c['architecture'] };
        if (typeof c['variant'] === 'string') p.variant = c['variant'];
        out.platforms.push(formatPlatform(normalizePlatform(p)));
      }
      walk(store, config, out, seen);
    }
    for (const l of (Array.isArray(j?.['layers']) ? j['layers'] : []) as Desc[]) walk(store, l, out, seen);
  }
}

export function listImages(root: string, namespace: string): ImageSummary[] {
  const meta = openMetadata(root);
  let images: Image[];
  try {
    images = meta.images.list(namespace);
  } finally {
    meta.close();
  }
  const store = new ContentStore(root);
  return images.map((img) => {
    const w: Walked = { size: 0, platforms: [] };
    walk(store, img.target, w, new Set());
    return { ...img, size: w.size, platforms: w.platforms };
  });
}

export function listContent(root: string, namespace: string): ContentRef[] {
  const meta = openMetadata(root);
  try {
    return meta.content.list(namespace);
  } finally {
    meta.close();
  }
}
