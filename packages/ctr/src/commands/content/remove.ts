import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';

export default class ContentRemove extends CtrCommand {
  static override summary = 'Permanently delete one or more blobs';
  static override description = 'Drops the namespace\'s reference to each blob; a blob no namespace references any more is deleted from disk.';
  static override aliases = ['content:rm', 'content:delete', 'content:del'];
  static override strict = false;
  static override usage = 'content remove <digest> [<digest>...]';
  static override args = { digest: Args.string({ description: 'blob digest', required: true }) };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ContentRemove);
    const { removeContent } = require('@berth/core/dist/services/image-admin') as typeof import('@berth/core/dist/services/image-admin');
    const { removed, errors } = removeContent(this.storeRoot(flags), flags.namespace, argv as string[]);
    process.stdout.write(removed.map((d) => `${d}\n`).join(''));
    this.exitOnErrors(errors);
  }
}
