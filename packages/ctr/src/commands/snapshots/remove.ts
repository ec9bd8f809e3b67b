import { CtrCommand } from '../../base';
import { snapshotScope, snapshotsService, snapshotterFlag } from './scope';

export default class SnapshotsRemove extends CtrCommand {
  static override summary = 'Remove snapshots';
  static override aliases = ['snapshots:delete', 'snapshots:del', 'snapshots:rm', 'snapshot:delete', 'snapshot:del', 'snapshot:remove', 'snapshot:rm'];
  static override usage = 'snapshots delete <key> [<key>, ...]';
  static override strict = false;
  static override flags = { snapshotter: snapshotterFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(SnapshotsRemove);
    if (argv.length === 0) throw new Error('snapshots delete: give at least one snapshot key');
    await snapshotsService().removeSnapshots(snapshotScope(this.storeRoot(flags), flags), argv as string[]);
  }
}
