/** Snapshotters (overlayfs, native) with containerd's semantics. */
import { NativeSnapshotter } from './native';
import { OverlaySnapshotter } from './overlay';
import type { SnapshotRecords } from './records';
import type { Snapshotter } from './types';
import { InvalidArgumentError } from '../errors';

export * from './types';
export { OverlaySnapshotter, overlayAvailable } from './overlay';
export { NativeSnapshotter } from './native';
export { JsonSnapshotRecords, type SnapshotRecords, type SnapshotRecord, type RecordsTx, type RecordsView } from './records';
export { mountAll, unmount } from './mount';
export { diskUsage } from './usage';

/** The snapshotter called `name` ("overlayfs" or "native") under the persistent root. */
export function openSnapshotter(root: string, name: string, records?: SnapshotRecords): Snapshotter {
  if (name === 'overlayfs' || name === 'overlay') return new OverlaySnapshotter(root, records);
  if (name === 'native') return new NativeSnapshotter(root, records);
  throw new InvalidArgumentError(`snapshotter ${name}: unknown (overlayfs or native)`);
}
