import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { mountCommands, mountsJson, snapshotScope, snapshotsService, snapshotterFlag } from './scope';

export default class SnapshotsPrepare extends CtrCommand {
  static override summary = 'Prepare a snapshot from a committed snapshot';
  static override aliases = ['snapshot:prepare'];
  static override usage = 'snapshots prepare [flags] <key> [<parent>]';
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
    const { args, flags } = await this.parse(SnapshotsPrepare);
    const mounts = await snapshotsService().prepareSnapshot(snapshotScope(this.storeRoot(flags), flags), args.key, args.parent);
    if (flags.target) process.stdout.write(mountCommands(flags.target, mounts));
    if (flags.mounts) process.stdout.write(mountsJson(mounts));
  }
}
