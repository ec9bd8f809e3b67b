import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { bytesBinary } from './format';

export default class ImagesUsage extends CtrCommand {
  static override summary = 'Display usage of snapshots for a given image ref';
  static override description = 'One line per snapshot of the unpacked image, its top layer first: disk usage and inodes.';
  static override aliases = ['image:usage', 'i:usage'];
  static override strict = false;
  static override usage = 'images usage [flags] <ref>';
  static override flags = {
    snapshotter: Flags.string({ description: 'Snapshotter name. Empty value stands for the default value.', env: 'CONTAINERD_SNAPSHOTTER' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ImagesUsage);
    const ref = (argv as string[])[0];
    if (!ref) this.error('please provide an image reference to mount');
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const { imageUsage } = require('@berth/core/dist/services/image-admin') as typeof import('@berth/core/dist/services/image-admin');
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    const cfg = loadConfig(flags.config);
    const list = imageUsage(flags.root ?? cfg.root, flags.namespace, ref, flags.snapshotter || cfg.snapshotter);
    const rows = list.map((s) => [s.key, bytesBinary(s.usage.size), String(s.usage.inodes)]);
    process.stdout.write(tabwrite([['KEY', 'SIZE', 'INODES'], ...rows], { minwidth: 1, padding: 1, padLast: true }));
  }
}
