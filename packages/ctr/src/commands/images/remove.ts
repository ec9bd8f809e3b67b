import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';

export default class ImagesRemove extends CtrCommand {
  static override summary = 'Remove one or more images by reference';
  static override description = 'Removes the image records, then deletes the blobs that no namespace references any more.';
  static override aliases = ['images:rm', 'images:delete', 'images:del', 'image:remove', 'image:rm', 'image:delete', 'image:del', 'i:rm', 'i:remove', 'i:delete', 'i:del'];
  static override strict = false;
  static override usage = 'images remove [flags] <ref> [<ref>...]';
  static override flags = {
    sync: Flags.boolean({ description: 'Synchronously remove image and all associated resources (berth: always synchronous)' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ImagesRemove);
    const names = argv as string[];
    if (names.length === 0) this.error('must specify at least one image reference', { exit: 1 });
    const { removeImages } = require('@berth/core/dist/services/image-admin') as typeof import('@berth/core/dist/services/image-admin');
    const { removed, errors } = await removeImages(this.storeRoot(flags), flags.namespace, names);
    // ctr prints each removed name and goes on past failures.
    process.stdout.write(removed.map((n) => `${n}\n`).join(''));
    for (const e of errors) process.stderr.write(`ctr: ${e.message}\n`);
    if (errors.length) process.exit(1);
  }
}
