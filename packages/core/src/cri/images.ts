/**
 * The CRI image service of containerd 1.7's CRI plugin, over berth's stores, in namespace k8s.io.
 *
 * containerd keeps an image cache keyed by the image id (the config digest) whose references are
 * every image record of the namespace that reaches that config. A CRI pull records three names
 * for one target: the tag (`host/repo:tag`), the repo digest (`host/repo@sha256:<target>`) and the
 * id itself (`sha256:<config>`), all labelled `io.cri-containerd.image=managed`; `ctr -n k8s.io
 * images ls` lists the three. Removing an image removes every reference, then collects garbage.
 * Nothing here is cached: every call reads the metadata store, so ctr's changes show at once.
 */
import { ContentStore } from '../content';
import { NotFoundError } from '../errors';
import { CriError, codeOf } from './rpc-error';
import { isIndex, isManifest } from '../images/media-types';
import { hostPlatform, normalizePlatform, platformMatcher, type Platform } from '../images/platform';
import { formatReference, parseReference, type Reference } from '../images/reference';
import { snapshotterRoot } from '../layout';
import { openMetadata } from '../metadata';
import type { Descriptor, Image } from '../metadata/types';
import { chainIDs, pullImage } from '../services/pull';
import { removeImages } from '../services/image-admin';
import { openSnapshotter } from '../snapshots';
import { goTimeJson } from '../util/time';

/** The containerd namespace of the CRI plugin. */
export const CRI_NAMESPACE = 'k8s.io';
/** The label containerd's CRI plugin puts on the image records it manages. */
export const CRI_IMAGE_LABEL = 'io.cri-containerd.image';
export const CRI_IMAGE_LABEL_VALUE = 'managed';
/** Set on the sandbox image; `crictl rmi --prune` keeps pinned images. */
export const CRI_PINNED_LABEL = 'io.cri-containerd.pinned';
export const CRI_PINNED_LABEL_VALUE = 'pinned';

/** The OCI image config as containerd re-encodes it (imagespec.Image's fields and order). */
export interface ImageSpecJson {
  [k: string]: unknown;
}

/** One image of the CRI cache. */
export interface CriImage {
  /** `sha256:<config digest>` */
  id: string;
  /** Every name of the namespace that reaches this config, sorted as distribution's reference.Sort. */
  references: string[];
  repoTags: string[];
  repoDigests: string[];
  /** Bytes of the target, the chosen manifest, the config and the layers (containerd's Image.Size). */
  size: number;
  /** The image's numeric user, when its config names one. */
  uid?: number;
  username: string;
  pinned: boolean;
  chainID: string;
  imageSpec: ImageSpecJson;
}

// --- references -----------------------------------------------------------------------------

const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9=_-]{32,}$/;

type RefKind = 'tag+digest' | 'tag' | 'digest' | 'name' | 'id' | 'bad';

function kindOf(name: string): RefKind {
  if (/^sha256:[a-f0-9]{64}$/.test(name)) return 'id';
  try {
    const r = parseReference(name);
    // parseReference adds :latest to a bare name: the text itself says whether a tag is there.
    const beforeAt = name.split('@')[0] as string;
    const tagged = beforeAt.slice(beforeAt.lastIndexOf('/') + 1).includes(':');
    if (r.digest) return tagged ? 'tag+digest' : 'digest';
    return tagged ? 'tag' : 'name';
  } catch {
    return 'bad';
  }
}

const RANK: Record<RefKind, number> = { 'tag+digest': 1, tag: 2, digest: 3, name: 4, id: 5, bad: 6 };

/** distribution/reference.Sort: more information first, then lexical. */
export function sortReferences(refs: string[]): string[] {
  return [...refs].sort((a, b) => RANK[kindOf(a)] - RANK[kindOf(b)] || (a < b ? -1 : a > b ? 1 : 0));
}

/** containerd's parseImageReferences: canonical names are repo digests, tagged ones repo tags. */
function splitReferences(refs: string[]): { repoTags: string[]; repoDigests: string[] } {
  const repoTags: string[] = [];
  const repoDigests: string[] = [];
  for (const r of refs) {
    const k = kindOf(r);
    if (k === 'tag+digest' || k === 'digest') repoDigests.push(r);
    else if (k === 'tag') repoTags.push(r);
  }
  return { repoTags, repoDigests };
}

/**
 * distribution's ParseDockerRef, as the CRI plugin normalises what it is given: docker.io and
 * library/ filled in, `:latest` added, and a name with both a tag and a digest keeps the digest.
 */
export function parseDockerRef(input: string): Reference {
  const r = parseReference(input);
  if (r.digest !== undefined) return { domain: r.domain, path: r.path, digest: r.digest };
  return r;
}

// --- reading images -------------------------------------------------------------------------

function readJson(store: ContentStore, digest: string): Record<string, unknown> {
  return JSON.parse(store.readFile(digest).toString('utf8')) as Record<string, unknown>;
}

interface Resolved {
  config: Descriptor;
  configJson: Record<string, unknown>;
  size: number;
}

function asDesc(v: unknown): (Descriptor & { platform?: Platform }) | undefined {
  const d = v as { digest?: unknown; size?: unknown; mediaType?: unknown } | null;
  if (!d || typeof d.digest !== 'string' || typeof d.size !== 'number') return undefined;
  return v as Descriptor & { platform?: Platform };
}

function configPlatformMatches(cfg: Record<string, unknown>, target: Platform): boolean {
  if (typeof cfg['os'] !== 'string' || typeof cfg['architecture'] !== 'string') return true;
  const p: Platform = { os: cfg['os'], architecture: cfg['architecture'] };
  if (typeof cfg['variant'] === 'string') p.variant = cfg['variant'];
  return platformMatcher(target).match(normalizePlatform(p));
}

/** The host platform's config under `target`, and containerd's Image.Size; undefined when content is missing. */
function resolveTarget(store: ContentStore, target: Descriptor, platform: Platform = hostPlatform()): Resolved | undefined {
  const seen = new Set<string>();
  const visit = (d: Descriptor, platformKnown: boolean): Resolved | undefined => {
    if (seen.has(d.digest) || !store.has(d.digest)) return undefined;
    seen.add(d.digest);
    if (isIndex(d.mediaType)) {
      const j = readJson(store, d.digest);
      const children = (Array.isArray(j['manifests']) ? j['manifests'] : []).map(asDesc).filter((c): c is Descriptor & { platform?: Platform } => c !== undefined);
      const m = platformMatcher(platform);
      const ranked = [...m.sort(children.filter((c) => c.platform)), ...children.filter((c) => !c.platform)];
      for (const c of ranked) {
        const r = visit(c, c.platform !== undefined);
        if (r) return { ...r, size: r.size + d.size };
      }
      return undefined;
    }
    if (isManifest(d.mediaType)) {
      const j = readJson(store, d.digest);
      const config = asDesc(j['config']);
      if (!config || !store.has(config.digest)) return undefined;
      const cfg = readJson(store, config.digest);
      if (!platformKnown && !configPlatformMatches(cfg, platform)) return undefined;
      const layers = (Array.isArray(j['layers']) ? j['layers'] : []).map(asDesc).filter((l): l is Descriptor => l !== undefined);
      return { config, configJson: cfg, size: d.size + config.size + layers.reduce((n, l) => n + l.size, 0) };
    }
    return undefined;
  };
  try {
    return visit(target, false);
  } catch {
    // Unreadable or malformed content: containerd leaves such an image out of its cache.
    return undefined;
  }
}

/** containerd's getUserFromImage: a numeric user is a uid, anything else a user name. */
function userOf(user: unknown): { uid?: number; username: string } {
  if (typeof user !== 'string' || user === '') return { username: '' };
  const u = user.split(':')[0] as string;
  return /^[+-]?\d+$/.test(u) ? { uid: Number(u), username: '' } : { username: u };
}

/** A time of the image's config as Go's time.Time re-encodes it (anything else as it is). */
function goTime(v: unknown): unknown {
  return typeof v === 'string' ? goTimeJson(v) : v;
}

function sortedObject(v: unknown): Record<string, unknown> | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  if (keys.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = o[k];
  return out;
}

function nonEmptyList(v: unknown): unknown[] | undefined {
  return Array.isArray(v) && v.length > 0 ? v : undefined;
}

/** imagespec.Image as Go's json.Marshal writes it: its field order, omitempty, maps sorted. */
export function imageSpecJson(cfg: Record<string, unknown>): ImageSpecJson {
  const out: ImageSpecJson = {};
  const put = (k: string, v: unknown): void => { if (v !== undefined && v !== '' && v !== false && v !== null) out[k] = v; };
  put('created', goTime(cfg['created']));
  put('author', cfg['author']);
  out['architecture'] = typeof cfg['architecture'] === 'string' ? cfg['architecture'] : '';
  out['os'] = typeof cfg['os'] === 'string' ? cfg['os'] : '';
  put('os.version', cfg['os.version']);
  put('os.features', nonEmptyList(cfg['os.features']));
  put('variant', cfg['variant']);
  const c = (cfg['config'] && typeof cfg['config'] === 'object' ? cfg['config'] : {}) as Record<string, unknown>;
  const config: Record<string, unknown> = {};
  const cput = (k: string, v: unknown): void => { if (v !== undefined && v !== '' && v !== false && v !== null) config[k] = v; };
  cput('User', c['User']);
  cput('ExposedPorts', sortedObject(c['ExposedPorts']));
  cput('Env', nonEmptyList(c['Env']));
  cput('Entrypoint', nonEmptyList(c['Entrypoint']));
  cput('Cmd', nonEmptyList(c['Cmd']));
  cput('Volumes', sortedObject(c['Volumes']));
  cput('WorkingDir', c['WorkingDir']);
  cput('Labels', sortedObject(c['Labels']));
  cput('StopSignal', c['StopSignal']);
  cput('ArgsEscaped', c['ArgsEscaped'] === true ? true : undefined);
  out['config'] = config;
  const rootfs = (cfg['rootfs'] && typeof cfg['rootfs'] === 'object' ? cfg['rootfs'] : {}) as Record<string, unknown>;
  out['rootfs'] = { type: typeof rootfs['type'] === 'string' ? rootfs['type'] : '', diff_ids: Array.isArray(rootfs['diff_ids']) ? rootfs['diff_ids'] : null };
  const history = nonEmptyList(cfg['history']);
  if (history) {
    out['history'] = history.map((h) => {
      const e = (h && typeof h === 'object' ? h : {}) as Record<string, unknown>;
      const o: Record<string, unknown> = {};
      for (const [k, v] of [['created', goTime(e['created'])], ['created_by', e['created_by']], ['author', e['author']], ['comment', e['comment']], ['empty_layer', e['empty_layer'] === true ? true : undefined]] as [string, unknown][]) {
        if (v !== undefined && v !== '' && v !== null) o[k] = v;
      }
      return o;
    });
  }
  return out;
}

function buildImage(id: string, names: Image[], r: Resolved): CriImage {
  const references = sortReferences(names.map((n) => n.name));
  const { repoTags, repoDigests } = splitReferences(references);
  const cfgConfig = (r.configJson['config'] ?? {}) as Record<string, unknown>;
  const diffIDs = ((r.configJson['rootfs'] as { diff_ids?: unknown } | undefined)?.diff_ids);
  const chain = Array.isArray(diffIDs) ? chainIDs(diffIDs.filter((d): d is string => typeof d === 'string')) : [];
  return {
    id,
    references,
    repoTags,
    repoDigests,
    size: r.size,
    ...userOf(cfgConfig['User']),
    pinned: names.some((n) => n.labels[CRI_PINNED_LABEL] === CRI_PINNED_LABEL_VALUE),
    chainID: chain[chain.length - 1] ?? '',
    imageSpec: imageSpecJson(r.configJson),
  };
}

/** Every image of the namespace grouped by image id (ListImages), in no particular order. */
export function listCriImages(root: string, namespace = CRI_NAMESPACE): CriImage[] {
  const meta = openMetadata(root);
  let records: Image[];
  try {
    records = meta.images.list(namespace);
  } finally {
    meta.close();
  }
  const store = new ContentStore(root);
  const byTarget = new Map<string, Resolved | undefined>();
  const groups = new Map<string, { names: Image[]; r: Resolved }>();
  for (const img of records) {
    if (!byTarget.has(img.target.digest)) byTarget.set(img.target.digest, resolveTarget(store, img.target));
    const r = byTarget.get(img.target.digest);
    if (!r) continue;
    const g = groups.get(r.config.digest);
    if (g) g.names.push(img);
    else groups.set(r.config.digest, { names: [img], r });
  }
  return [...groups.entries()].map(([id, g]) => buildImage(id, g.names, g.r));
}

/**
 * containerd's localResolve: an image id (`sha256:…`), a reference (normalised: `busybox` is
 * `docker.io/library/busybox:latest`), or a unique prefix of an id's hex. Undefined when none.
 */
export function findCriImage(images: CriImage[], refOrId: string): CriImage | undefined {
  let id: string | undefined;
  if (DIGEST_RE.test(refOrId)) {
    id = refOrId;
  } else {
    try {
      const name = formatReference(parseDockerRef(refOrId));
      id = images.find((i) => i.references.includes(name))?.id;
    } catch {
      id = undefined;
    }
  }
  if (id !== undefined) {
    const exact = images.find((i) => i.id === id);
    if (exact || DIGEST_RE.test(refOrId)) return exact;
  }
  // digestset.Lookup: a short hex prefix that names exactly one id.
  if (!/^[a-f0-9]+$/.test(refOrId)) return undefined;
  const hits = images.filter((i) => i.id.replace(/^[^:]+:/, '').startsWith(refOrId));
  if (hits.length > 1) throw new CriError('Unknown', `can not resolve ${JSON.stringify(refOrId)} locally: ambiguous digest string`);
  return hits[0];
}

/** ImageStatus: the image, or undefined when it does not exist (not an error in CRI). */
export function criImageStatus(root: string, refOrId: string, namespace = CRI_NAMESPACE): CriImage | undefined {
  return findCriImage(listCriImages(root, namespace), refOrId);
}

// --- pull -----------------------------------------------------------------------------------

export interface CriAuth {
  username?: string;
  password?: string;
  /** base64 of `user:password` (crictl --auth). */
  auth?: string;
}

export interface CriPullOptions {
  root: string;
  image: string;
  auth?: CriAuth;
  snapshotter?: string;
  hostsDir?: string;
  maxConcurrentDownloads?: number;
  namespace?: string;
}

/** containerd's ParseAuth: `auth` is base64 of `user:password`. */
function userPass(a: CriAuth | undefined): string | undefined {
  if (!a) return undefined;
  if (a.username !== undefined && a.username !== '') return `${a.username}:${a.password ?? ''}`;
  if (a.auth) {
    const decoded = Buffer.from(a.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) throw new CriError('Unknown', `failed to pull and unpack image: invalid decoded auth: ${JSON.stringify(decoded)}`);
    return decoded;
  }
  return undefined;
}

/** containerd's docker.IsLocalhost: localhost, 127.0.0.0/8 or ::1, any port. */
function isLocalhost(domain: string): boolean {
  const host = domain.startsWith('[') ? domain.slice(1, domain.indexOf(']')) : domain.replace(/:\d+$/, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * PullImage: pull and unpack into namespace k8s.io, then record the tag, the repo digest and the
 * id as names of one target with the CRI labels. Returns the image id (the config digest).
 */
export async function criPullImage(opts: CriPullOptions): Promise<string> {
  const namespace = opts.namespace ?? CRI_NAMESPACE;
  let named: Reference;
  try {
    named = parseDockerRef(opts.image);
  } catch (err) {
    throw new CriError('InvalidArgument', `failed to parse image reference ${JSON.stringify(opts.image)}: ${(err as Error).message}`);
  }
  const ref = formatReference(named);
  // containerd's hosts defaults: a localhost registry on a port other than 443 speaks http.
  const port = /:(\d+)$/.exec(named.domain)?.[1];
  const plainHttp = isLocalhost(named.domain) && port !== undefined && port !== '443';
  let result: Awaited<ReturnType<typeof pullImage>>;
  try {
    result = await pullImage({
      root: opts.root,
      namespace,
      ref,
      user: userPass(opts.auth),
      plainHttp,
      hostsDir: opts.hostsDir,
      snapshotter: opts.snapshotter,
      maxConcurrentDownloads: opts.maxConcurrentDownloads,
    });
  } catch (err) {
    if (err instanceof CriError) throw err;
    const cause = (err as Error).message;
    // containerd's resolver names an unknown manifest this way; scripts match on it.
    const unresolved = err instanceof NotFoundError && /^image ".*" not found$|manifest unknown/.test(cause);
    const desc = unresolved ? `failed to resolve reference ${JSON.stringify(ref)}: ${ref}: not found` : cause;
    throw new CriError(codeOf(err), `failed to pull and unpack image ${JSON.stringify(ref)}: ${desc}`);
  }
  const target: Descriptor = { mediaType: '', digest: result.digest, size: result.size };
  const store = new ContentStore(opts.root);
  const meta = openMetadata(opts.root);
  try {
    return meta.tx(() => {
      const main = meta.images.get(namespace, result.name);
      const resolved = resolveTarget(store, main.target);
      if (!resolved) throw new CriError('NotFound', `failed to pull and unpack image ${JSON.stringify(ref)}: no config for this platform under ${target.digest}`);
      const id = resolved.config.digest;
      const repoTag = named.tag !== undefined ? ref : '';
      const repoDigest = named.digest !== undefined ? ref : `${named.domain}/${named.path}@${main.target.digest}`;
      const labels = { [CRI_IMAGE_LABEL]: CRI_IMAGE_LABEL_VALUE };
      for (const name of [result.name, id, repoTag, repoDigest]) {
        if (name === '') continue;
        const cur = meta.images.find(namespace, name);
        if (!cur) meta.images.create(namespace, { name, target: main.target, labels });
        else meta.images.update(namespace, name, { target: main.target, labels: { ...cur.labels, ...labels } });
      }
      return id;
    });
  } finally {
    meta.close();
  }
}

// --- remove ---------------------------------------------------------------------------------

/** RemoveImage: every reference of the image, then garbage collection. False when it does not exist. */
export async function criRemoveImage(root: string, refOrId: string, namespace = CRI_NAMESPACE): Promise<boolean> {
  const img = criImageStatus(root, refOrId, namespace);
  if (!img) return false;
  const { errors } = await removeImages(root, namespace, img.references);
  const real = errors.filter((e) => !(e instanceof NotFoundError));
  if (real.length > 0) throw new CriError('Unknown', `failed to delete image reference for ${JSON.stringify(img.id)}: ${(real[0] as Error).message}`);
  return true;
}

/** The image ids that the namespace's containers (not sandboxes) use, for `rmi --prune`. */
export function criImagesInUse(root: string, namespace = CRI_NAMESPACE): Set<string> {
  const meta = openMetadata(root);
  let names: string[];
  try {
    names = meta.containers.list(namespace).filter((c) => c.labels['io.cri-containerd.kind'] !== 'sandbox').map((c) => c.image).filter((n) => n !== '');
  } finally {
    meta.close();
  }
  const images = listCriImages(root, namespace);
  const used = new Set<string>();
  for (const n of names) {
    const img = findCriImage(images, n);
    if (img) used.add(img.id);
  }
  return used;
}

// --- image filesystem -----------------------------------------------------------------------

export interface CriFilesystemUsage {
  /** Nanoseconds since the epoch. */
  timestamp: bigint;
  mountpoint: string;
  usedBytes: number;
  inodesUsed: number;
}

/**
 * ImageFsInfo: the snapshotter's root as the mountpoint, and the disk use of every snapshot of
 * the namespace summed (containerd sums its periodic snapshot usage the same way).
 */
export function criImageFsInfo(root: string, snapshotter = 'overlayfs', namespace = CRI_NAMESPACE): CriFilesystemUsage {
  const sn = openSnapshotter(root, snapshotter, namespace);
  let usedBytes = 0;
  let inodesUsed = 0;
  for (const s of sn.walk()) {
    try {
      const u = sn.usage(s.name);
      usedBytes += u.size;
      inodesUsed += u.inodes;
    } catch (err) {
      // Removed while we walked: it uses nothing any more.
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return {
    timestamp: BigInt(Date.now()) * 1_000_000n,
    mountpoint: snapshotterRoot(root, sn.name === 'native' ? 'native' : 'overlayfs'),
    usedBytes,
    inodesUsed,
  };
}
