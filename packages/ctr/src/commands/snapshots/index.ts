import SnapshotsList from './list';
import SnapshotsUsage from './usage';
/** The `snapshots` topic's commands, keyed by oclif id. */
export const SNAPSHOTS_COMMANDS = {
  'snapshots:list': SnapshotsList,
  'snapshots:usage': SnapshotsUsage,
};
