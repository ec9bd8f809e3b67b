import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';

export default class ContentGet extends CtrCommand {
  static override summary = 'Get the data for an object';
  static override usage = 'content get <digest>';
  static override args = { digest: Args.string({ description: 'blob digest', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ContentGet);
    const { readContent } = require('@berth/core/dist/services/image-admin') as typeof import('@berth/core/dist/services/image-admin');
    const data = readContent(this.storeRoot(flags), flags.namespace, args.digest);
    await new Promise<void>((resolve, reject) => process.stdout.write(data, (err) => (err ? reject(err) : resolve())));
  }
}
