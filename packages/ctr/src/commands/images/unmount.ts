import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { registryFlags } from '../../registry-flags';
import { snapshotScope, snapshotterFlag } from '../snapshots/scope';

export default class ImagesUnmount extends CtrCommand {
  static override summary = 'Unmount the image from the target';
  static override description = 'Unmount the image rootfs from the specified target.';
  static override aliases = ['i:unmount', 'image:unmount'];
  static override usage = 'images unmount [flags] <target>';
  static override args = { target: Args.string({ description: 'target path' }) };
  static override flags = {
    ...registryFlags,
    snapshotter: snapshotterFlag,
    label: Flags.string({ description: 'Labels to attach to the image', multiple: true }),
    rm: Flags.boolean({ description: 'Remove the snapshot after a successful unmount' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ImagesUnmount);
    if (!args.target) throw new Error('please provide a target path to unmount from');
    const { unmountImage } = require('@berth/core/dist/services/snapshots') as typeof import('@berth/core/dist/services/snapshots');
    await unmountImage(snapshotScope(this.storeRoot(flags), flags), args.target, flags.rm);
    process.stdout.write(`${args.target}\n`);
  }
}
