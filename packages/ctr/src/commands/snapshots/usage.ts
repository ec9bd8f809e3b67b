import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { bytesBinary } from '../images/format';
import { snapshotScope, snapshotsService, snapshotterFlag } from './scope';

export default class SnapshotsUsage extends CtrCommand {
  static override summary = 'Usage snapshots';
  static override aliases = ['snapshot:usage'];
  static override usage = 'snapshots usage [flags] [<key>, ...]';
  static override strict = false;
  static override flags = { snapshotter: snapshotterFlag, b: Flags.boolean({ char: 'b', description: 'Display size in bytes' }) };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(SnapshotsUsage);
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    const size = (n: number): string => (flags.b ? String(n) : bytesBinary(n));
    const rows = snapshotsService().snapshotUsage(snapshotScope(this.storeRoot(flags), flags), argv as string[])
      .map((u) => [u.key, size(u.usage.size), String(u.usage.inodes)]);
    process.stdout.write(tabwrite([['KEY', 'SIZE', 'INODES'], ...rows], { minwidth: 1, padding: 1, padLast: true }));
  }
}
