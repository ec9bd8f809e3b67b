/** Snapshotters (overlayfs, native) with containerd's semantics, per namespace over shared storage. */
import { NativeSnapshotter } from './native';
import { NamespacedSnapshotter } from './namespaced';
import { OverlaySnapshotter } from './overlay';
import type { SnapshotRecords } from './records';
import type { Snapshotter } from './types';
import { InvalidArgumentError } from '../errors';

export * from './types';
export { OverlaySnapshotter, overlayAvailable } from './overlay';
export { NativeSnapshotter } from './native';
export { NamespacedSnapshotter, SNAPSHOT_REF_LABEL, removeBackingSnapshots } from './namespaced';
export { JsonSnapshotRecords, type SnapshotRecords, type SnapshotRecord, type RecordsTx, type RecordsView } from './records';
export { mountAll, unmount } from './mount';
export { diskUsage } from './usage';

/** The snapshotters berth has, by containerd plugin id. */
export const SNAPSHOTTERS = ['overlayfs', 'native'] as const;

/**
 * The backing snapshotter called `name` ("overlayfs" or "native") under the persistent root:
 * keys are global, no namespace. Commands and services want `openSnapshotter` with a namespace.
 */
export function openBackingSnapshotter(root: string, name: string, records?: SnapshotRecords): Snapshotter {
  if (name === 'overlayfs' || name === 'overlay') return new OverlaySnapshotter(root, records);
  if (name === 'native') return new NativeSnapshotter(root, records);
  throw new InvalidArgumentError(`snapshotter ${name}: unknown (overlayfs or native)`);
}

/**
 * The snapshotter called `name` as namespace `namespace` sees it (containerd's view: keys are
 * per namespace, committed layers shared). Without a namespace: the backing snapshotter itself
 * (global keys, the records of no namespace) — kept for callers written before namespaces.
 */
export function openSnapshotter(root: string, name: string, namespace?: string): Snapshotter {
  const backend = openBackingSnapshotter(root, name);
  return namespace === undefined ? backend : new NamespacedSnapshotter(root, backend, namespace);
}
