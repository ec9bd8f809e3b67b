import { CtrCommand } from '../../base';
import { newSnapshotArgs, newSnapshotFlags, printNewSnapshotMounts, snapshotScope, snapshotsService } from './scope';

export default class SnapshotsPrepare extends CtrCommand {
  static override summary = 'Prepare a snapshot from a committed snapshot';
  static override aliases = ['snapshot:prepare'];
  static override usage = 'snapshots prepare [flags] <key> [<parent>]';
  static override args = newSnapshotArgs;
  static override flags = newSnapshotFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SnapshotsPrepare);
    const mounts = await snapshotsService().prepareSnapshot(snapshotScope(this.storeRoot(flags), flags), args.key, args.parent);
    printNewSnapshotMounts(flags, mounts);
  }
}
