/** The records the metadata store keeps, shaped like containerd's metadata objects. */

export type Labels = Record<string, string>;

export interface Namespace {
  name: string;
  labels: Labels;
  createdAt: Date;
  updatedAt: Date;
}

/** An OCI descriptor's identity: what an image name points at. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface Image {
  namespace: string;
  name: string;
  target: Descriptor;
  labels: Labels;
  createdAt: Date;
  updatedAt: Date;
}

export interface ContainerRuntime {
  name: string;
  options?: unknown;
}

export interface Container {
  namespace: string;
  id: string;
  image: string;
  runtime: ContainerRuntime;
  /** The OCI runtime spec as JSON data (opaque to the store). */
  spec: unknown;
  snapshotter: string;
  snapshotKey: string;
  labels: Labels;
  extensions: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** A namespace's reference to a blob of the content store. */
export interface ContentRef {
  namespace: string;
  digest: string;
  size: number;
  labels: Labels;
  createdAt: Date;
  updatedAt: Date;
}

export type SnapshotKind = 'active' | 'view' | 'committed';

export interface Snapshot {
  snapshotter: string;
  namespace: string;
  /** The user-facing key (for committed snapshots: the name given to commit). */
  key: string;
  /** The snapshotter's own id of the backing directory. */
  name: string;
  /** Key of the parent snapshot (same snapshotter and namespace), committed. */
  parent?: string;
  kind: SnapshotKind;
  labels: Labels;
  createdAt: Date;
  updatedAt: Date;
}

export type LeaseResourceType = 'content' | 'snapshot' | 'ingest';

export interface LeaseResource {
  type: LeaseResourceType;
  /** A digest (content), a snapshot key (snapshot) or an ingest ref (ingest). */
  id: string;
  /** Only for snapshots. */
  snapshotter?: string;
}

export interface Lease {
  namespace: string;
  id: string;
  labels: Labels;
  createdAt: Date;
  expiresAt?: Date;
}

/** Label selector: a value of `undefined` matches any value of a present key. */
export type LabelFilter = Record<string, string | undefined>;
