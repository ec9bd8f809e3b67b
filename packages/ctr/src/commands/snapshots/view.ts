import { CtrCommand } from '../../base';
import { newSnapshotArgs, newSnapshotFlags, printNewSnapshotMounts, snapshotScope, snapshotsService } from './scope';

export default class SnapshotsView extends CtrCommand {
  static override summary = 'Create a read-only snapshot from a committed snapshot';
  static override aliases = ['snapshot:view'];
  static override usage = 'snapshots view [flags] <key> [<parent>]';
  static override args = newSnapshotArgs;
  static override flags = newSnapshotFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SnapshotsView);
    const mounts = await snapshotsService().viewSnapshot(snapshotScope(this.storeRoot(flags), flags), args.key, args.parent);
    printNewSnapshotMounts(flags, mounts);
  }
}
