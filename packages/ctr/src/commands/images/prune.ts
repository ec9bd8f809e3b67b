import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';

/** ctr logs through logrus's text format on stderr. */
function logLine(level: 'info' | 'warning', msg: string): string {
  return `time="${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}" level=${level} msg=${JSON.stringify(msg)}\n`;
}

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
      process.stderr.write(logLine('warning', 'No images pruned. `image prune` requires --all to be specified.'));
      return;
    }
    const { pruneImages } = require('@berth/core/dist/services/image-admin') as typeof import('@berth/core/dist/services/image-admin');
    const { removed, errors } = await pruneImages(this.storeRoot(flags), flags.namespace);
    // As ctr: failures are warnings, the command still succeeds.
    for (const e of errors) process.stderr.write(logLine('warning', `failed to delete image: ${e.message}`));
    for (const n of removed) process.stderr.write(logLine('info', `deleted image: ${n}\n`));
  }
}
