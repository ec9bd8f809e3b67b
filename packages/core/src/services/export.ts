/**
 * `ctr images export`: images of the namespace written as an OCI image layout tar (oci-layout,
 * index.json, blobs/sha256/…) that also carries docker's manifest.json, as containerd's exporter
 * writes it: members owned by 0:0 with mtime 0, blobs in digest order, one index.json entry per
 * image named by `io.containerd.image.name`. Blobs are streamed from the content store.
 */
import type { Writable } from 'node:stream';
import { ContentStore } from '../content';
import { InvalidArgumentError, NotFoundError } from '../errors';
import { openMetadata } from '../metadata';
import { isForeignLayer, isIndex, isManifest } from '../images/media-types';
import { hostPlatform, parsePlatform, platformMatcher, type Platform, type PlatformMatcher } from '../images/platform';
import { familiarName, normalizeReference, parseReference } from '../images/reference';
import { ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, TarWriter, ociReferenceName, type OciDescriptor } from '../images/archive';
import { asDescriptor, descriptorList } from './unpack-image';

export interface ExportOptions {
  root: string;
  namespace: string;
  /** Image names as recorded (`ctr images ls`); a short name is tried normalised too. */
  refs: string[];
  /** `os/arch[/variant]`, repeatable; the host's by default. */
  platforms?: string[];
  allPlatforms?: boolean;
  skipManifestJson?: boolean;
  skipNonDistributable?: boolean;
}

export interface ExportResult {
  images: string[];
  blobs: number;
  bytes: number;
}

interface DockerEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

const blobName = (digest: string): string => `blobs/${digest.replace(':', '/')}`;

function multiMatcher(ps: Platform[]): PlatformMatcher {
  const ms = ps.map((p) => platformMatcher(p));
  return {
    match: (p) => ms.some((m) => m.match(p)),
    rank: (p) => Math.min(...ms.map((m) => m.rank(p))),
    sort: (items) => ms[0]?.sort(items) ?? items,
  };
}

/** Writes the archive to `out` (left open: the caller ends or closes it). */
export async function exportImages(opts: ExportOptions, out: Writable): Promise<ExportResult> {
  if (opts.refs.length === 0) throw new InvalidArgumentError('export: at least one image name is needed');
  const store = new ContentStore(opts.root);
  const matcher = opts.allPlatforms ? undefined : multiMatcher((opts.platforms && opts.platforms.length > 0 ? opts.platforms.map(parsePlatform) : [hostPlatform()]));
  const readJson = (d: OciDescriptor): Record<string, unknown> => {
    try {
      return JSON.parse(store.readFile(d.digest).toString('utf8')) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError(`${d.mediaType} ${d.digest}: not in the content store`);
      throw new InvalidArgumentError(`${d.mediaType} ${d.digest}: not valid JSON`);
    }
  };

  const meta = openMetadata(opts.root);
  const images: { name: string; target: OciDescriptor }[] = [];
  try {
    for (const ref of opts.refs) {
      let img = meta.images.find(opts.namespace, ref);
      if (!img) {
        try { img = meta.images.find(opts.namespace, normalizeReference(ref)); } catch { /* not a reference */ }
      }
      if (!img) throw new NotFoundError(`image "${ref}": not found`);
      images.push({ name: img.name, target: img.target });
    }
  } finally {
    meta.close();
  }

  const blobs = new Map<string, number>();
  const docker = new Map<string, DockerEntry>();
  const need = (d: OciDescriptor): void => {
    if (!store.has(d.digest)) throw new NotFoundError(`${d.mediaType} ${d.digest}: not in the content store (pull the image again)`);
    blobs.set(d.digest, d.size);
  };
  const walk = (d: OciDescriptor, name: string, top: boolean): void => {
    if (isIndex(d.mediaType)) {
      need(d);
      const children = descriptorList(readJson(d), 'manifests', `index ${d.digest}`) as OciDescriptor[];
      const kept = children.filter((c) => !matcher || !c.platform || matcher.match(c.platform));
      // The docker manifest.json entry: the best platform match, as containerd picks it.
      const best = matcher ? matcher.sort(kept.filter((c) => isManifest(c.mediaType) && c.platform))[0] : undefined;
      for (const c of kept) walk(c, name, top && c === best);
    } else if (isManifest(d.mediaType)) {
      need(d);
      const m = readJson(d);
      const config = asDescriptor(m['config'], `manifest ${d.digest} config`);
      need(config);
      const layers = descriptorList(m, 'layers', `manifest ${d.digest}`);
      const paths: string[] = [];
      for (const l of layers) {
        if (opts.skipNonDistributable && isForeignLayer(l.mediaType)) continue;
        need(l);
        paths.push(blobName(l.digest));
      }
      if (top && !opts.skipManifestJson) {
        const e = docker.get(d.digest) ?? { Config: blobName(config.digest), RepoTags: [], Layers: paths };
        const tag = dockerTag(name);
        if (tag !== undefined && !e.RepoTags.includes(tag)) e.RepoTags.push(tag);
        docker.set(d.digest, e);
      }
    } else {
      need(d);
    }
  };
  const index: OciDescriptor[] = [];
  for (const img of images) {
    walk(img.target, img.name, true);
    index.push({ ...img.target, annotations: { [ANNOTATION_IMAGE_NAME]: img.name, [ANNOTATION_REF_NAME]: ociReferenceName(img.name) } });
  }

  const tw = new TarWriter();
  let bytes = 0;
  const write = async (b: Buffer): Promise<void> => {
    bytes += b.length;
    if (!out.write(b)) await drained(out);
  };
  await write(tw.dir('blobs'));
  await write(tw.dir('blobs/sha256'));
  for (const [digest, size] of [...blobs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    await write(tw.file(blobName(digest), size, 0o444));
    let n = 0;
    for await (const chunk of store.readStream(digest)) {
      n += (chunk as Buffer).length;
      if (n > size) throw new InvalidArgumentError(`content ${digest}: larger than the ${size} bytes recorded`);
      await write(chunk as Buffer);
    }
    if (n !== size) throw new InvalidArgumentError(`content ${digest}: ${n} bytes, not the ${size} recorded`);
    await write(tw.padding(size));
  }
  const doc = async (name: string, body: Buffer, mode: number): Promise<void> => {
    await write(tw.file(name, body.length, mode));
    await write(body);
    await write(tw.padding(body.length));
  };
  await doc('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: index })), 0o644);
  if (!opts.skipManifestJson && docker.size > 0) await doc('manifest.json', Buffer.from(JSON.stringify([...docker.values()])), 0o644);
  await doc('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })), 0o444);
  await write(tw.end());
  return { images: images.map((i) => i.name), blobs: blobs.size, bytes };
}

/** docker's RepoTags hold familiar `name:tag` forms; a name without a tag has none. */
function dockerTag(name: string): string | undefined {
  try {
    const r = parseReference(name);
    if (r.digest !== undefined || !/:[^/]*$/.test(name)) return undefined;
    return familiarName({ domain: r.domain, path: r.path, tag: r.tag });
  } catch {
    return undefined;
  }
}

/** Waits until `out` wants more, or fails when it is closed or errors first (a closed pipe). */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      out.off('drain', onDrain); out.off('close', onClose); out.off('error', onError);
      if (err) reject(err); else resolve();
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(new InvalidArgumentError('export: the output was closed before the archive was written'));
    const onError = (err: Error): void => done(new InvalidArgumentError(`export: writing the archive: ${err.message}`));
    out.on('drain', onDrain); out.on('close', onClose); out.on('error', onError);
  });
}
