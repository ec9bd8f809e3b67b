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
    const { logrusLine } = require('@berth/core/dist/cli/logrus') as typeof import('@berth/core/dist/cli/logrus');
    // As ctr: each removed name on stdout; a missing image is a warning (exit 0); other failures
    // are logged, and the first one is the command's error.
    process.stdout.write(removed.map((n) => `${n}\n`).join(''));
    const failures = errors.filter((e) => (e as { code?: string }).code !== 'ENOTFOUND' && e.name !== 'NotFoundError');
    for (const e of errors) {
      if (failures.includes(e)) process.stderr.write(logrusLine(e.message, 'error'));
      else process.stderr.write(logrusLine(e.message, 'warning'));
    }
    if (failures.length) this.error(failures[0].message);
  }
}
