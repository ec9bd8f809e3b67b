/**
 * `docker save` archives (manifest.json + repositories + layer files): the OCI index containerd
 * builds for them — one Docker schema 2 manifest per manifest.json entry, layer media types from
 * the layers' own compression, one index entry per RepoTag named `io.containerd.image.name` —
 * serialised the way Go's encoding/json does, so the digests equal containerd's.
 */
import { createHash } from 'node:crypto';
import { normalizeReference, parseReference } from '../reference';
import { MediaType } from '../media-types';
import type { Platform } from '../platform';
import type { ArchiveContents, ArchiveFile } from './reader';
import type { Descriptor } from '../registry';

export const ANNOTATION_IMAGE_NAME = 'io.containerd.image.name';
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

/** A descriptor as the OCI image spec has it (annotations and platform optional). */
export interface OciDescriptor extends Descriptor {
  annotations?: Record<string, string>;
  platform?: Platform;
}

export interface BuiltIndex {
  index: Buffer;
  /** Documents made here (manifests), by digest. */
  generated: Map<string, Buffer>;
  /** The archive members the manifests name, by digest. */
  files: Map<string, ArchiveFile>;
}

interface DockerManifestEntry {
  Config?: unknown;
  RepoTags?: unknown;
  Layers?: unknown;
}

/** OCI's ref.name is only the tag of a reference (the whole name when it has none). */
export function ociReferenceName(name: string): string {
  try {
    const r = parseReference(name);
    if (r.tag !== undefined && r.digest === undefined && name.includes(':')) return r.tag;
  } catch { /* not a reference: the name itself */ }
  return name;
}

function layerMediaType(head: Buffer): string {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return MediaType.DockerLayerGzip;
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return MediaType.DockerLayerZstd;
  return MediaType.DockerLayer;
}

/** Go marshals ocispec.Platform in struct order: architecture, os, os.version, os.features, variant. */
function platformOf(config: Record<string, unknown>): Platform | undefined {
  const str = (k: string): string | undefined => (typeof config[k] === 'string' && config[k] !== '' ? config[k] as string : undefined);
  const os = str('os');
  const architecture = str('architecture');
  if (os === undefined || architecture === undefined) return undefined;
  const p: Record<string, unknown> = { architecture, os };
  if (str('os.version') !== undefined) p['os.version'] = str('os.version');
  if (Array.isArray(config['os.features']) && config['os.features'].length > 0) p['os.features'] = config['os.features'];
  if (str('variant') !== undefined) p['variant'] = str('variant');
  return p as unknown as Platform;
}

export function dockerIndex(contents: ArchiveContents, manifestJson: ArchiveFile): BuiltIndex {
  const list = contents.json(manifestJson);
  if (!Array.isArray(list)) throw contents.error(manifestJson.name, 'not a list of images');
  const generated = new Map<string, Buffer>();
  const files = new Map<string, ArchiveFile>();
  const manifests: OciDescriptor[] = [];
  (list as DockerManifestEntry[]).forEach((m, i) => {
    const where = `${manifestJson.name}[${i}]`;
    if (!m || typeof m !== 'object' || typeof m.Config !== 'string' || !Array.isArray(m.Layers) || !m.Layers.every((l) => typeof l === 'string')) {
      throw contents.error(where, 'needs "Config" (a member name) and "Layers" (a list of member names)');
    }
    const cfgFile = contents.resolve(m.Config);
    const config = contents.json(cfgFile);
    files.set(cfgFile.digest, cfgFile);
    const layers = (m.Layers as string[]).map((l) => {
      const f = contents.resolve(l);
      files.set(f.digest, f);
      return { mediaType: layerMediaType(f.head), digest: f.digest, size: f.size };
    });
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.DockerManifest,
      config: { mediaType: MediaType.DockerConfig, digest: cfgFile.digest, size: cfgFile.size },
      layers,
    }));
    const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
    generated.set(digest, manifest);
    const desc: OciDescriptor = { mediaType: MediaType.DockerManifest, digest, size: manifest.length };
    const platform = platformOf(config);
    const tags = Array.isArray(m.RepoTags) ? m.RepoTags : [];
    if (tags.length === 0) manifests.push(platform ? { ...desc, platform } : desc);
    for (const t of tags) {
      let name: string;
      try {
        if (typeof t !== 'string') throw new Error('not a string');
        name = normalizeReference(t);
      } catch (err) {
        throw contents.error(where, `RepoTag ${JSON.stringify(t)}: ${(err as Error).message}`);
      }
      const d: OciDescriptor = { ...desc, annotations: { [ANNOTATION_IMAGE_NAME]: name, [ANNOTATION_REF_NAME]: ociReferenceName(name) } };
      manifests.push(platform ? { ...d, platform } : d);
    }
  });
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests }));
  return { index, generated, files };
}
