import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';
import { mountCommands, snapshotScope, snapshotsService, snapshotterFlag } from './scope';

export default class SnapshotsMounts extends CtrCommand {
  static override summary = 'Mount gets mount commands for the snapshots';
  static override aliases = ['snapshots:m', 'snapshots:mount', 'snapshot:mounts', 'snapshot:m', 'snapshot:mount'];
  static override usage = 'snapshots mounts <target> <key>';
  static override args = {
    target: Args.string({ description: 'mount target path', required: true }),
    key: Args.string({ description: 'snapshot key', required: true }),
  };
  static override flags = { snapshotter: snapshotterFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SnapshotsMounts);
    const mounts = snapshotsService().snapshotMounts(snapshotScope(this.storeRoot(flags), flags), args.key);
    process.stdout.write(mountCommands(args.target, mounts));
  }
}
