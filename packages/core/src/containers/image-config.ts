/**
 * An image record's config for this host: index → the best manifest for the host platform →
 * config blob, and the chain ID of its top layer (the snapshot a container's rootfs starts from).
 */
import { createHash } from 'node:crypto';
import { ContentStore } from '../content';
import { InvalidArgumentError, NotFoundError } from '../errors';
import { isIndex, isManifest } from '../images/media-types';
import { selectManifest } from '../images/manifest-select';
import { hostPlatform, type Platform } from '../images/platform';
import type { Descriptor, Image } from '../metadata/types';
import type { ImageConfig } from './spec-options';

export interface ResolvedImage {
  name: string;
  /** The image's `config` section (empty when the image has none). */
  config: ImageConfig;
  /** Chain ID of the top layer; undefined for an image without layers. */
  chainID?: string;
}

type Desc = Descriptor & { platform?: Platform };

/** The top chain ID: chainID(n) = sha256(chainID(n-1) + " " + diffID(n)). Kept here so the CLI need not load the puller. */
function topChainID(diffIDs: string[]): string | undefined {
  let id: string | undefined;
  for (const d of diffIDs) id = id === undefined ? d : `sha256:${createHash('sha256').update(`${id} ${d}`).digest('hex')}`;
  return id;
}

function readJson(store: ContentStore, d: Descriptor, what: string): Record<string, unknown> {
  if (!store.has(d.digest)) throw new NotFoundError(`${what} ${d.digest}: not found in the content store (pull the image again)`);
  try {
    return JSON.parse(store.readFile(d.digest).toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new InvalidArgumentError(`${what} ${d.digest}: not valid JSON (${(err as Error).message})`);
  }
}

export function resolveImageConfig(root: string, image: Image): ResolvedImage {
  const store = new ContentStore(root);
  let manifest: Desc = image.target;
  if (isIndex(manifest.mediaType)) {
    // The rule pull and unpack follow (images/manifest-select.ts): children without a platform
    // are judged by their config. Only manifests this store holds can be run.
    let best: Desc | undefined;
    try {
      best = selectManifest(manifest, hostPlatform(), (d) => readJson(store, d, `${isIndex(d.mediaType) ? 'index' : isManifest(d.mediaType) ? 'manifest' : 'config'} of image "${image.name}"`));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    if (!best || !store.has(best.digest)) throw new NotFoundError(`image "${image.name}": no manifest for this host's platform in the content store`);
    manifest = best;
  } else if (!isManifest(manifest.mediaType)) {
    throw new InvalidArgumentError(`image "${image.name}": unsupported media type ${manifest.mediaType}`);
  }
  const m = readJson(store, manifest, `manifest of image "${image.name}"`);
  const configDesc = m['config'] as Descriptor | undefined;
  if (!configDesc || typeof configDesc.digest !== 'string') throw new InvalidArgumentError(`manifest ${manifest.digest} of image "${image.name}": no config`);
  const c = readJson(store, configDesc, `config of image "${image.name}"`);
  const diffIDs = (c['rootfs'] as { diff_ids?: unknown } | undefined)?.diff_ids;
  if (!Array.isArray(diffIDs) || !diffIDs.every((d) => typeof d === 'string')) {
    throw new InvalidArgumentError(`config ${configDesc.digest} of image "${image.name}": no rootfs.diff_ids`);
  }
  const config = (c['config'] && typeof c['config'] === 'object' ? c['config'] : {}) as ImageConfig;
  return { name: image.name, config, chainID: topChainID(diffIDs as string[]) };
}
