import { CtrCommand } from '../../base';
import { snapshotScope, snapshotsService, snapshotterFlag } from './scope';

export { snapshotterFlag } from './scope';

export default class SnapshotsList extends CtrCommand {
  static override summary = 'List snapshots';
  static override aliases = ['snapshots:ls', 'snapshot:ls', 'snapshot:list'];
  static override flags = { snapshotter: snapshotterFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(SnapshotsList);
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    const KIND = { active: 'Active', view: 'View', committed: 'Committed' } as const;
    const rows = snapshotsService().listSnapshots(snapshotScope(this.storeRoot(flags), flags)).map((s) => [s.name, s.parent ?? '', KIND[s.kind]]);
    process.stdout.write(tabwrite([['KEY', 'PARENT', 'KIND'], ...rows], { minwidth: 1, padding: 1, padLast: true }));
  }
}
