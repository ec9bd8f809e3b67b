/** On-disk paths of the snapshotters, under the persistent root (containerd's layout). */
import * as path from 'node:path';

export function snapshotterRoot(root: string, snapshotter: 'overlayfs' | 'native'): string {
  return path.join(root, `io.containerd.snapshotter.v1.${snapshotter}`);
}

export function snapshotsDir(sroot: string): string {
  return path.join(sroot, 'snapshots');
}

export function snapshotDir(sroot: string, id: number): string {
  return path.join(sroot, 'snapshots', String(id));
}

/** The JSON record file (until the metadata store takes the records over) and its lock. */
export function recordsFile(sroot: string): string {
  return path.join(sroot, 'records.json');
}

export function recordsLock(sroot: string): string {
  return path.join(sroot, 'records.lock');
}
