import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { listFormatFlag, printListJson } from '../../list-format';
import { snapshotScope, snapshotsService, snapshotterFlag } from './scope';

export { snapshotterFlag } from './scope';

export default class SnapshotsList extends CtrCommand {
  static override summary = 'List snapshots';
  static override aliases = ['snapshots:ls', 'snapshot:ls', 'snapshot:list'];
  static override flags = {
    snapshotter: snapshotterFlag,
    // ctr's snapshots ls has no -q: berth's own, as the other list commands have it.
    quiet: Flags.boolean({ char: 'q', description: 'berth: print only the snapshot keys' }),
    format: listFormatFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(SnapshotsList);
    const list = snapshotsService().listSnapshots(snapshotScope(this.storeRoot(flags), flags));
    if (flags.quiet) {
      process.stdout.write(list.map((s) => `${s.name}\n`).join(''));
      return;
    }
    if (printListJson(flags.format, list)) return;
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    const KIND = { active: 'Active', view: 'View', committed: 'Committed' } as const;
    const rows = list.map((s) => [s.name, s.parent ?? '', KIND[s.kind]]);
    process.stdout.write(tabwrite([['KEY', 'PARENT', 'KIND'], ...rows], { minwidth: 1, padding: 1, padLast: true }));
  }
}
