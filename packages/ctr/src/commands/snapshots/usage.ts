import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';
import { bytesBinary } from '../images/format';
import { snapshotterFlag } from './list';

export default class SnapshotsUsage extends CtrCommand {
  static override summary = 'Usage snapshots';
  static override aliases = ['snapshot:usage'];
  static override usage = 'snapshots usage [flags] [<key>]';
  static override args = { key: Args.string({ description: 'snapshot key' }) };
  static override flags = { snapshotter: snapshotterFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SnapshotsUsage);
    const { snapshotUsage } = require('@berth/core/dist/services/image-admin') as typeof import('@berth/core/dist/services/image-admin');
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    const rows = snapshotUsage(this.storeRoot(flags), flags.snapshotter, args.key).map((u) => [u.key, bytesBinary(u.usage.size), String(u.usage.inodes)]);
    process.stdout.write(tabwrite([['KEY', 'SIZE', 'INODES'], ...rows], { minwidth: 1, padding: 1 }));
  }
}
