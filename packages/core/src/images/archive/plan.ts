/**
 * What an import records: the image names containerd's importer would create from the index
 * (annotations translated by --base-name / --digests), and every blob reachable from the chosen
 * platforms with containerd's GC labels — each checked to be in the archive (or already in the
 * store) with the size its descriptor says, and of a media type an image may hold.
 */
import { InvalidArgumentError } from '../../errors';
import { isConfig, isIndex, isLayer, isManifest, layerCompression } from '../media-types';
import type { PlatformMatcher } from '../platform';
import type { ContentStore } from '../../content';
import { asDescriptor, descriptorList } from '../../services/unpack-image';
import type { ArchiveContents, ArchiveFile } from './reader';
import { ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, type OciDescriptor } from './docker';

const GC = 'containerd.io/gc.ref.content';

export type BlobSource = { kind: 'file'; file: ArchiveFile } | { kind: 'bytes'; bytes: Buffer } | { kind: 'store' };

export interface PlannedBlob {
  digest: string;
  size: number;
  mediaType: string;
  labels: Record<string, string>;
  source: BlobSource;
}

export interface PlannedImage {
  name: string;
  target: OciDescriptor;
}

export interface ImportPlan {
  images: PlannedImage[];
  /** Every blob to commit and record, parents before children. */
  blobs: Map<string, PlannedBlob>;
  /** Top-level manifests left out because no platform matched. */
  skipped: number;
}

export interface NameOptions {
  /** Translates an OCI ref.name annotation into an image name ('' drops it). */
  refName: (ref: string) => string;
  /** The name of a digest record, when --digests. */
  digestName?: (digest: string) => string;
  skipDigestForNamed?: boolean;
  /** --index-name: an image for the whole index. */
  indexName?: string;
}

export interface PlanInput {
  contents: ArchiveContents;
  store: ContentStore;
  /** The top index (index.json's bytes, or the one built for a docker archive). */
  index: { bytes: Buffer; desc: OciDescriptor };
  /** Documents made by the importer, by digest. */
  generated: Map<string, Buffer>;
  /** Archive members by digest (docker archives, whose members are not named by digest). */
  files: Map<string, ArchiveFile>;
  /** undefined: every platform. */
  matcher?: PlatformMatcher;
  names: NameOptions;
}

/** containerd's imageName(): io.containerd.image.name as is, else ref.name translated. */
function imageName(d: OciDescriptor, refName: (ref: string) => string): string {
  const a = d.annotations ?? {};
  const full = a[ANNOTATION_IMAGE_NAME];
  if (full) return full;
  const ref = a[ANNOTATION_REF_NAME];
  return ref ? refName(ref) : '';
}

export function planImport(input: PlanInput): ImportPlan {
  const { contents } = input;
  const bad = (msg: string): InvalidArgumentError => new InvalidArgumentError(`archive ${contents.source}: ${msg}`);
  const blobs = new Map<string, PlannedBlob>();
  const where = (d: OciDescriptor, parent: string): string => `${parent}: ${d.mediaType} ${d.digest}`;

  const source = (d: OciDescriptor, parent: string): BlobSource => {
    const bytes = input.generated.get(d.digest);
    if (bytes) return { kind: 'bytes', bytes };
    const file = input.files.get(d.digest) ?? contents.blob(d.digest);
    if (file) {
      if (file.size !== d.size) throw contents.error(file.name, `${file.size} bytes, but ${parent} says ${d.size}`);
      return { kind: 'file', file };
    }
    if (input.store.has(d.digest) && input.store.info(d.digest).size === d.size) return { kind: 'store' };
    throw bad(`${where(d, parent)} is not in the archive`);
  };
  const read = (d: OciDescriptor, src: BlobSource): Record<string, unknown> => {
    if (src.kind === 'bytes') return JSON.parse(src.bytes.toString('utf8')) as Record<string, unknown>;
    if (src.kind === 'file') return contents.json(src.file);
    return JSON.parse(input.store.readFile(d.digest).toString('utf8')) as Record<string, unknown>;
  };
  const add = (d: OciDescriptor, src: BlobSource, labels: Record<string, string>): void => {
    const cur = blobs.get(d.digest);
    if (cur) Object.assign(cur.labels, labels);
    else blobs.set(d.digest, { digest: d.digest, size: d.size, mediaType: d.mediaType, labels, source: src });
  };
  const kept = (children: OciDescriptor[]): OciDescriptor[] =>
    children.filter((c) => !input.matcher || !c.platform || input.matcher.match(c.platform));

  const walk = (d: OciDescriptor, parent: string): void => {
    if (blobs.has(d.digest)) return;
    const src = source(d, parent);
    const labels: Record<string, string> = {};
    if (isIndex(d.mediaType)) {
      const children = kept(descriptorList(read(d, src), 'manifests', `index ${d.digest}`) as OciDescriptor[]);
      children.forEach((c, i) => { labels[`${GC}.m.${i}`] = c.digest; });
      add(d, src, labels);
      for (const c of children) walk(c, `index ${d.digest}`);
    } else if (isManifest(d.mediaType)) {
      const m = read(d, src);
      const config = asDescriptor(m['config'], `manifest ${d.digest} config`);
      const layers = descriptorList(m, 'layers', `manifest ${d.digest}`);
      labels[`${GC}.config`] = config.digest;
      layers.forEach((l, i) => { labels[`${GC}.l.${i}`] = l.digest; });
      add(d, src, labels);
      if (!isConfig(config.mediaType)) throw bad(`${where(config, `manifest ${d.digest}`)}: unknown config media type`);
      add(config, source(config, `manifest ${d.digest}`), {});
      for (const l of layers) {
        if (!isLayer(l.mediaType)) throw bad(`${where(l, `manifest ${d.digest}`)}: unknown layer media type`);
        const ll: Record<string, string> = layerCompression(l.mediaType) === 'none' ? { 'containerd.io/uncompressed': l.digest } : {};
        add(l, source(l, `manifest ${d.digest}`), ll);
      }
    } else {
      throw bad(`${where(d, parent)}: unknown media type (not an index or a manifest)`);
    }
  };

  const top = input.index.desc;
  const children = descriptorList(JSON.parse(input.index.bytes.toString('utf8')) as Record<string, unknown>, 'manifests', 'index') as OciDescriptor[];
  const chosen = kept(children);
  const images: PlannedImage[] = [];
  const seen = new Set<string>();
  const push = (name: string, target: OciDescriptor): void => {
    if (name === '' || seen.has(name)) return;
    seen.add(name);
    images.push({ name, target });
  };
  // containerd lists the index's own name first.
  if (input.names.indexName) {
    const labels: Record<string, string> = {};
    chosen.forEach((c, i) => { labels[`${GC}.m.${i}`] = c.digest; });
    blobs.set(top.digest, { digest: top.digest, size: top.size, mediaType: top.mediaType, labels, source: { kind: 'bytes', bytes: input.index.bytes } });
    push(input.names.indexName, { mediaType: top.mediaType, digest: top.digest, size: top.size });
  }
  for (const c of chosen) {
    walk(c, 'index.json');
    const name = imageName(c, input.names.refName);
    const target: OciDescriptor = { mediaType: c.mediaType, digest: c.digest, size: c.size };
    push(name, target);
    if (input.names.digestName && !(input.names.skipDigestForNamed && name !== '')) push(input.names.digestName(c.digest), target);
  }
  return { images, blobs, skipped: children.length - chosen.length };
}
