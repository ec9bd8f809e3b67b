/**
 * `ctr images pull` with its platform flags, as containerd 1.7's ctr: one platform (or none: the
 * host's) goes through pullImage, which records the image only once it is unpacked. Several
 * `--platform`s, `--all-platforms` or `--all-metadata` take ctr's other road: fetch the content of every chosen
 * platform (services/fetch.ts, which records the image once every blob is stored), then unpack
 * each platform in turn and add the snapshot GC edges to the configs' content refs.
 */
import { ContentStore } from '../content';
import { InvalidArgumentError } from '../errors';
import { isIndex, isManifest } from '../images/media-types';
import { formatPlatform, hostPlatform, parsePlatform, type Platform } from '../images/platform';
import type { Descriptor } from '../images/registry';
import { openMetadata } from '../metadata';
import type { Labels } from '../metadata/types';
import { fetchContent } from './fetch';
import { takeGcLock } from './gc-lock';
import { pullImage, type PullOptions, type PullProgress } from './pull';
import { unpackImage } from './unpack-image';

export interface PullPlatformsOptions extends Omit<PullOptions, 'platform'> {
  /** `os/arch[/variant]` each; the host's when empty. */
  platforms?: string[];
  allPlatforms?: boolean;
  /** Manifests and configs of every platform, layers of the chosen ones only (`--all-metadata`). */
  allMetadata?: boolean;
}

export interface PullPlatformsResult {
  name: string;
  /** The image's target (index or manifest). */
  digest: string;
  /** Each platform unpacked, in order, with its top chain ID. */
  unpacked: Array<{ platform: string; chainID?: string }>;
}

function readJson(store: ContentStore, d: Pick<Descriptor, 'digest'>): Record<string, unknown> {
  try {
    return JSON.parse(store.readFile(d.digest).toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new InvalidArgumentError(`blob ${d.digest}: not valid JSON (${(err as Error).message})`);
  }
}

/** containerd's images.Platforms: every platform an image holds (an index's children, else the config's). */
export function imagePlatforms(store: ContentStore, target: Descriptor): Platform[] {
  const out = new Map<string, Platform>();
  const walk = (d: Descriptor): void => {
    if (isIndex(d.mediaType)) {
      for (const c of (readJson(store, d)['manifests'] as Descriptor[] | undefined) ?? []) {
        if (c.platform && isManifest(c.mediaType)) out.set(formatPlatform(c.platform), c.platform);
        else if (store.has(c.digest)) walk(c);
      }
    } else if (isManifest(d.mediaType)) {
      const config = readJson(store, readJson(store, d)['config'] as Descriptor);
      if (typeof config['os'] === 'string' && typeof config['architecture'] === 'string') {
        const p: Platform = { os: config['os'], architecture: config['architecture'] };
        if (typeof config['variant'] === 'string' && config['variant'] !== '') p.variant = config['variant'];
        out.set(formatPlatform(p), p);
      }
    }
  };
  walk(target);
  return [...out.values()];
}

export async function pullImagePlatforms(opts: PullPlatformsOptions): Promise<PullPlatformsResult> {
  const platforms = opts.platforms ?? [];
  if (!opts.allPlatforms && !opts.allMetadata && platforms.length <= 1) {
    const r = await pullImage({ ...opts, platform: platforms[0] });
    const unpacked = r.unpacked ? [{ platform: formatPlatform(platforms[0] ? parsePlatform(platforms[0]) : hostPlatform()), ...(r.chainID ? { chainID: r.chainID } : {}) }] : [];
    return { name: r.name, digest: r.digest, unpacked };
  }
  const progress = opts.onProgress ?? ((): void => undefined);
  const fetched = await fetchContent({
    root: opts.root, namespace: opts.namespace, ref: opts.ref, platforms, allPlatforms: opts.allPlatforms, allMetadata: opts.allMetadata,
    plainHttp: opts.plainHttp, skipVerify: opts.skipVerify, user: opts.user, refreshToken: opts.refreshToken, hostsDir: opts.hostsDir,
    maxConcurrentDownloads: opts.maxConcurrentDownloads, ...(opts.labels ? { labels: opts.labels } : {}),
    onProgress: (p): void => {
      const event: PullProgress = p.kind === 'resolved' ? p
        : { kind: p.kind === 'started' ? 'fetching' : p.kind === 'exists' ? 'exists' : 'done', ref: p.ref, size: p.size };
      progress(event);
    },
  });
  const result: PullPlatformsResult = { name: fetched.name, digest: fetched.target.digest, unpacked: [] };
  if (opts.unpack === false) return result;

  const store = new ContentStore(opts.root);
  const targets = opts.allPlatforms ? imagePlatforms(store, fetched.target) : platforms.length > 0 ? platforms.map(parsePlatform) : [hostPlatform()];
  const labels = new Map<string, Labels>();
  // Shared with pulls, exclusive with GC: no collection runs while the chains are extracted.
  const release = takeGcLock(opts.root, false);
  try {
    for (const platform of targets) {
      const u = await unpackImage({ root: opts.root, namespace: opts.namespace, target: fetched.target, platform, snapshotter: opts.snapshotter, onProgress: progress });
      if (u.snapshotLabel) labels.set(u.config.digest, { ...(labels.get(u.config.digest) ?? {}), [u.snapshotLabel.key]: u.snapshotLabel.value });
      result.unpacked.push({ platform: formatPlatform(platform), ...(u.chainID ? { chainID: u.chainID } : {}) });
    }
    const meta = openMetadata(opts.root);
    try {
      meta.tx(() => {
        for (const [digest, l] of labels) {
          const cur = meta.content.find(opts.namespace, digest);
          if (cur) meta.content.add(opts.namespace, { digest, size: cur.size, labels: { ...cur.labels, ...l } });
        }
      });
    } finally {
      meta.close();
    }
  } finally {
    release();
  }
  return result;
}
