import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { mountCommands, mountsJson, snapshotScope, snapshotsService, snapshotterFlag } from './scope';

export default class SnapshotsView extends CtrCommand {
  static override summary = 'Create a read-only snapshot from a committed snapshot';
  static override aliases = ['snapshot:view'];
  static override usage = 'snapshots view [flags] <key> [<parent>]';
  static override args = {
    key: Args.string({ description: 'snapshot key', required: true }),
    parent: Args.string({ description: 'committed parent snapshot' }),
  };
  static override flags = {
    snapshotter: snapshotterFlag,
    target: Flags.string({ char: 't', description: 'Mount target path, will print mount, if provided' }),
    mounts: Flags.boolean({ description: 'Print out snapshot mounts as JSON' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SnapshotsView);
    const mounts = await snapshotsService().viewSnapshot(snapshotScope(this.storeRoot(flags), flags), args.key, args.parent);
    if (flags.target) process.stdout.write(mountCommands(flags.target, mounts));
    if (flags.mounts) process.stdout.write(mountsJson(mounts));
  }
}
