/** Media types of Docker schema 2 and OCI image-spec objects, and what each one is. */

export const MediaType = {
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  DockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  DockerLayerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
  DockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  /** Schema 1 (signed JWS); recognised so it can be refused by name. */
  DockerSchema1Manifest: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  DockerSchema1ManifestUnsigned: 'application/vnd.docker.distribution.manifest.v1+json',
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  OciLayer: 'application/vnd.oci.image.layer.v1.tar',
  OciLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  OciLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  OciLayerNonDistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  OciLayerNonDistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  OciLayerNonDistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
} as const;

export type Compression = 'none' | 'gzip' | 'zstd';

/** Manifest types a puller accepts, in the order sent in `Accept` (preferred first). */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  MediaType.OciIndex,
  MediaType.DockerManifestList,
  MediaType.OciManifest,
  MediaType.DockerManifest,
];

/** Strips parameters (`; charset=utf-8`) and case so header values compare equal to the constants. */
export function baseMediaType(mt: string): string {
  const semi = mt.indexOf(';');
  return (semi >= 0 ? mt.slice(0, semi) : mt).trim().toLowerCase();
}

export function isIndex(mt: string): boolean {
  const b = baseMediaType(mt);
  return b === MediaType.OciIndex || b === MediaType.DockerManifestList;
}

export function isManifest(mt: string): boolean {
  const b = baseMediaType(mt);
  return b === MediaType.OciManifest || b === MediaType.DockerManifest;
}

export function isSchema1(mt: string): boolean {
  const b = baseMediaType(mt);
  return b === MediaType.DockerSchema1Manifest || b === MediaType.DockerSchema1ManifestUnsigned;
}

export function isConfig(mt: string): boolean {
  const b = baseMediaType(mt);
  return b === MediaType.OciConfig || b === MediaType.DockerConfig;
}

const DOCKER_LAYERS = new Set<string>([
  MediaType.DockerLayer, MediaType.DockerLayerGzip, MediaType.DockerLayerZstd, MediaType.DockerForeignLayerGzip,
]);

/** OCI layer types may carry further `+suffix`es (e.g. encryption); the tar base decides. */
export function isLayer(mt: string): boolean {
  const b = baseMediaType(mt);
  return DOCKER_LAYERS.has(b) || b.startsWith(MediaType.OciLayer) || b.startsWith(MediaType.OciLayerNonDistributable);
}

/** Layers that registries usually do not hold (Windows base layers, non-distributable OCI layers). */
export function isForeignLayer(mt: string): boolean {
  const b = baseMediaType(mt);
  return b === MediaType.DockerForeignLayerGzip || b.startsWith(MediaType.OciLayerNonDistributable);
}

/** The compression of a layer media type; undefined when it is not a layer. */
export function layerCompression(mt: string): Compression | undefined {
  if (!isLayer(mt)) return undefined;
  const b = baseMediaType(mt);
  if (b.endsWith('.tar.gzip') || b.includes('.tar+gzip')) return 'gzip';
  if (b.endsWith('.tar.zstd') || b.includes('.tar+zstd')) return 'zstd';
  return 'none';
}

/** Whether the type is a known JSON image object (manifest, index, config). */
export function isKnownJson(mt: string): boolean {
  return isIndex(mt) || isManifest(mt) || isConfig(mt) || baseMediaType(mt) === MediaType.OciEmpty;
}
