import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';
import { snapshotScope, snapshotsService, snapshotterFlag } from './scope';

export default class SnapshotsCommit extends CtrCommand {
  static override summary = 'Commit an active snapshot into the provided name';
  static override aliases = ['snapshot:commit'];
  static override usage = 'snapshots commit <key> <active>';
  static override args = {
    key: Args.string({ description: 'name of the committed snapshot', required: true }),
    active: Args.string({ description: 'key of the active snapshot', required: true }),
  };
  static override flags = { snapshotter: snapshotterFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SnapshotsCommit);
    await snapshotsService().commitSnapshot(snapshotScope(this.storeRoot(flags), flags), args.key, args.active);
  }
}
