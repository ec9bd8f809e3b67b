import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';

export default class ImagesTag extends CtrCommand {
  static override summary = 'Tag an image';
  static override aliases = ['image:tag', 'i:tag'];
  static override strict = false;
  static override usage = 'images tag [flags] <source_ref> <target_ref> [<target_ref>...]';
  static override args = {
    source: Args.string({ description: 'source image reference', required: true }),
    target: Args.string({ description: 'target image reference', required: true }),
  };
  static override flags = {
    force: Flags.boolean({ description: 'Force target_ref to be created, even if it already exists' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ImagesTag);
    const [source, ...targets] = argv as string[];
    const { tagImage } = require('@berth/core/dist/services/image-admin') as typeof import('@berth/core/dist/services/image-admin');
    const made = tagImage(this.storeRoot(flags), flags.namespace, source as string, targets, flags.force);
    process.stdout.write(made.map((i) => `${i.name}\n`).join(''));
  }
}
