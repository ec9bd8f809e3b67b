/** The transactional metadata store: namespaces, images, containers, content refs, snapshots, leases, GC. */
export { openMetadata, withMetadata, MetadataStore, BUSY_TIMEOUT_MS } from './store';
export { metadataPaths, type MetadataPaths } from '../layout';
export { SCHEMA_VERSION } from './schema';
export { GC_ROOT, GC_FLAT, gcContentRefLabel, type GcResult, type SnapshotId } from './gc';
export type { ImageInput, ImageFilter, ImageUpdate } from './images';
export type { ContainerInput, ContainerUpdate, ContainerFilter } from './containers';
export type { ContentInput } from './content';
export type { SnapshotInput } from './snapshots';
export type { LeaseInput } from './leases';
export * from './types';
