/** The snapshotter model of containerd: committed layers, active (writable) and view (read-only) snapshots. */

export type SnapshotKind = 'active' | 'view' | 'committed';

/** An OCI/containerd-style mount description, to be mounted at a target chosen by the caller. */
export interface SnapshotMount {
  type: string;
  source: string;
  options: string[];
}

export interface SnapshotInfo {
  /** The key (active/view) or name (committed). */
  name: string;
  parent?: string;
  kind: SnapshotKind;
  labels: Record<string, string>;
  /** RFC 3339 times. */
  created: string;
  updated: string;
}

export interface SnapshotUsage {
  /** Bytes of disk used (blocks × 512), hard links counted once. */
  size: number;
  inodes: number;
}

export interface Snapshotter {
  readonly name: string;
  prepare(key: string, parent?: string, labels?: Record<string, string>): Promise<SnapshotMount[]>;
  view(key: string, parent?: string, labels?: Record<string, string>): Promise<SnapshotMount[]>;
  commit(name: string, key: string, labels?: Record<string, string>): Promise<void>;
  remove(key: string): Promise<void>;
  mounts(key: string): SnapshotMount[];
  stat(key: string): SnapshotInfo;
  usage(key: string): SnapshotUsage;
  walk(): SnapshotInfo[];
  /** The directory a layer is applied to for an active snapshot (upperdir / full copy). */
  applyDir(key: string): string;
  /** Removes directories left by a process killed between its steps (no record refers to them). */
  cleanup(): void;
}
