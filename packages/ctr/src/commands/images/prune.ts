import { Flags } from '@oclif/core';
import { logrusLine } from '@berth/core/dist/cli/logrus';
import { CtrCommand } from '../../base';

export default class ImagesPrune extends CtrCommand {
  static override summary = 'Remove unused images';
  static override description = 'With --all: removes every image of the namespace that no container was created from, then deletes the content and snapshots nothing references any more.';
  static override aliases = ['image:prune', 'i:prune'];
  static override flags = {
    all: Flags.boolean({ description: 'Remove all unused images, not just dangling ones (if all is not specified no images will be pruned)' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ImagesPrune);
    if (!flags.all) {
      process.stderr.write(logrusLine('No images pruned. `image prune` requires --all to be specified.', 'warning'));
      return;
    }
    const { pruneImages } = require('@berth/core/dist/services/image-admin') as typeof import('@berth/core/dist/services/image-admin');
    const { removed, errors } = await pruneImages(this.storeRoot(flags), flags.namespace);
    // As ctr: failures are warnings, the command still succeeds.
    for (const e of errors) process.stderr.write(logrusLine(`failed to delete image: ${e.message}`, 'warning'));
    for (const n of removed) process.stderr.write(logrusLine(`deleted image: ${n}\n`, 'info'));
  }
}
