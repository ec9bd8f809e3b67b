import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';

export const snapshotterFlag = Flags.string({ description: 'snapshotter name', env: 'CONTAINERD_SNAPSHOTTER', default: 'overlayfs' });

export default class SnapshotsList extends CtrCommand {
  static override summary = 'List snapshots';
  static override aliases = ['snapshots:ls', 'snapshot:ls', 'snapshot:list', 'snapshots:list'];
  static override flags = { snapshotter: snapshotterFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(SnapshotsList);
    const { listSnapshots } = require('@berth/core/dist/services/image-admin') as typeof import('@berth/core/dist/services/image-admin');
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    const KIND = { active: 'Active', view: 'View', committed: 'Committed' } as const;
    const rows = listSnapshots(this.storeRoot(flags), flags.snapshotter).map((s) => [s.name, s.parent ?? '', KIND[s.kind]]);
    process.stdout.write(tabwrite([['KEY', 'PARENT', 'KIND'], ...rows], { minwidth: 1, padding: 1 }));
  }
}
