import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';
import { snapshotScope, snapshotsService, snapshotterFlag } from './scope';

export default class SnapshotsInfo extends CtrCommand {
  static override summary = 'Get info about a snapshot';
  static override aliases = ['snapshot:info'];
  static override usage = 'snapshots info <key>';
  static override args = { key: Args.string({ description: 'snapshot key', required: true }) };
  static override flags = { snapshotter: snapshotterFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SnapshotsInfo);
    const i = snapshotsService().snapshotInfo(snapshotScope(this.storeRoot(flags), flags), args.key);
    const KIND = { active: 'Active', view: 'View', committed: 'Committed' } as const;
    // snapshots.Info as ctr's PrintAsJSON prints it: Go field names, empty Parent/Labels omitted.
    const out: Record<string, unknown> = { Kind: KIND[i.kind], Name: i.name };
    if (i.parent) out['Parent'] = i.parent;
    if (Object.keys(i.labels).length > 0) out['Labels'] = i.labels;
    out['Created'] = i.created;
    out['Updated'] = i.updated;
    process.stdout.write(`${JSON.stringify(out, null, 4)}\n`);
  }
}
