import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';
import { snapshotScope, snapshotsService, snapshotterFlag } from './scope';

export default class SnapshotsLabel extends CtrCommand {
  static override summary = 'Add labels to content';
  static override description = 'labels snapshots in the snapshotter';
  static override aliases = ['snapshot:label'];
  static override usage = 'snapshots label <name> [<label>=<value> ...]';
  static override strict = false;
  static override args = { name: Args.string({ description: 'snapshot key', required: true }) };
  static override flags = { snapshotter: snapshotterFlag };

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(SnapshotsLabel);
    const { parseLabelArgs } = require('@berth/core/dist/services/namespaces') as typeof import('@berth/core/dist/services/namespaces');
    const labels = snapshotsService().labelSnapshot(snapshotScope(this.storeRoot(flags), flags), args.name, parseLabelArgs((argv as string[]).slice(1)));
    process.stdout.write(`${Object.entries(labels).map(([k, v]) => `${k}=${v}`).sort().join(',')}\n`);
  }
}
