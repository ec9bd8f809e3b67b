/**
 * Every on-disk path berth uses, in one place. The layout mirrors runc's and containerd's so
 * that their users' habits carry over (see the README's "On-disk state").
 */
import * as path from 'node:path';

/** Default `--root` of the runc clone (runc's is /run/runc). */
export const RUNC_DEFAULT_ROOT = '/run/berth/runc';
/** Default `--root` of ctr and crictl: persistent state. */
export const DEFAULT_ROOT = '/var/lib/berth';
/** Default `--state` of ctr and crictl: ephemeral state. */
export const DEFAULT_STATE = '/run/berth';

/** Paths of one container's runtime state under a runc root. */
export interface ContainerPaths {
  dir: string;
  state: string;
  execFifo: string;
  lock: string;
  /** Written while `create` runs: the creator's pid and start time (to spot a create that died). */
  creating: string;
}

export function containerPaths(root: string, id: string): ContainerPaths {
  const dir = path.join(root, id);
  return {
    dir,
    state: path.join(dir, 'state.json'),
    execFifo: path.join(dir, 'exec.fifo'),
    lock: path.join(dir, '.lock'),
    creating: path.join(dir, '.creating'),
  };
}

/** The runtime root that ctr/crictl use for a namespace, as containerd uses /run/containerd/runc/<ns>. */
export function runtimeRootForNamespace(state: string, namespace: string): string {
  return path.join(state, 'runc', namespace);
}

/** The init stage's entry point (dist/init.js: its bundle, or the tsc output without one). */
export function initStageScript(): string {
  return path.join(__dirname, 'init.js');
}

// --- persistent store under --root (containerd's layout) ---------------------------------

export interface MetadataPaths {
  dir: string;
  db: string;
}

/** The transactional metadata store: io.containerd.metadata.v1/meta.db. */
export function metadataPaths(root: string): MetadataPaths {
  const dir = path.join(root, 'io.containerd.metadata.v1');
  return { dir, db: path.join(dir, 'meta.db') };
}

/** A snapshotter's root: io.containerd.snapshotter.v1.<name>. */
export function snapshotterRoot(root: string, snapshotter: 'overlayfs' | 'native'): string {
  return path.join(root, `io.containerd.snapshotter.v1.${snapshotter}`);
}

export function snapshotsDir(sroot: string): string {
  return path.join(sroot, 'snapshots');
}

export function snapshotDir(sroot: string, id: number): string {
  return path.join(sroot, 'snapshots', String(id));
}

/** The snapshotter's JSON record file (until the metadata store takes the records over) and its lock. */
export function snapshotRecordsFile(sroot: string): string {
  return path.join(sroot, 'records.json');
}

export function snapshotRecordsLock(sroot: string): string {
  return path.join(sroot, 'records.lock');
}
