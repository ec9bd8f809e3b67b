import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { registryFlags } from '../../registry-flags';
import { snapshotScope, snapshotterFlag } from '../snapshots/scope';

export default class ImagesMount extends CtrCommand {
  static override summary = 'Mount an image to a target path';
  static override description = 'Mount an image rootfs to a specified path.\nWhen you are done, use the unmount command.';
  static override aliases = ['i:mount', 'image:mount'];
  static override usage = 'images mount [flags] <ref> <target>';
  static override args = {
    ref: Args.string({ description: 'image reference' }),
    target: Args.string({ description: 'target path' }),
  };
  static override flags = {
    ...registryFlags,
    snapshotter: snapshotterFlag,
    label: Flags.string({ description: 'Labels to attach to the image', multiple: true }),
    rw: Flags.boolean({ description: 'Enable write support on the mount' }),
    platform: Flags.string({ description: 'Mount the image for the specified platform' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ImagesMount);
    if (!args.ref) throw new Error('please provide an image reference to mount');
    if (!args.target) throw new Error('please provide a target path to mount to');
    const { mountImage } = require('@berth/core/dist/services/snapshots') as typeof import('@berth/core/dist/services/snapshots');
    const r = await mountImage({ ...snapshotScope(this.storeRoot(flags), flags), ref: args.ref, target: args.target, rw: flags.rw, ...(flags.platform ? { platform: flags.platform } : {}) });
    process.stdout.write(`${r.chainID}\n${args.target}\n`);
  }
}
