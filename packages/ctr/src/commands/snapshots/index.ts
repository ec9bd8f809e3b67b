import SnapshotsCommit from './commit';
import SnapshotsInfo from './info';
import SnapshotsLabel from './label';
import SnapshotsList from './list';
import SnapshotsMounts from './mounts';
import SnapshotsPrepare from './prepare';
import SnapshotsRemove from './remove';
import SnapshotsTree from './tree';
import SnapshotsUsage from './usage';
import SnapshotsView from './view';
import type { CommandLoaders } from '@berth/core/dist/cli/lazy-commands';

/** The `snapshots` topic's commands, keyed by oclif id. */
export const SNAPSHOTS_COMMANDS: CommandLoaders = {
  'snapshots:list': () => SnapshotsList,
  'snapshots:usage': () => SnapshotsUsage,
  'snapshots:prepare': () => SnapshotsPrepare,
  'snapshots:view': () => SnapshotsView,
  'snapshots:mounts': () => SnapshotsMounts,
  'snapshots:commit': () => SnapshotsCommit,
  'snapshots:remove': () => SnapshotsRemove,
  'snapshots:tree': () => SnapshotsTree,
  'snapshots:info': () => SnapshotsInfo,
  'snapshots:label': () => SnapshotsLabel,
};
