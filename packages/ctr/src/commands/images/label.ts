import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { parseLabels } from '../../container-options';

export default class ImagesLabel extends CtrCommand {
  static override summary = 'Set and clear labels for an image';
  static override description = 'KEY=VALUE sets a label, KEY= clears it, a bare KEY sets it to "true". Prints the labels after the change.';
  static override aliases = ['image:label', 'i:label'];
  static override strict = false;
  static override usage = 'images label [flags] <name> [<key>=<value>, ...]';
  static override flags = {
    'replace-all': Flags.boolean({ char: 'r', description: 'Replace all labels' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ImagesLabel);
    const [name, ...pairs] = argv as string[];
    if (!name) this.error('please specify an image');
    const { labelImage } = require('@berth/core/dist/services/image-admin') as typeof import('@berth/core/dist/services/image-admin');
    const labels = labelImage(this.storeRoot(flags), flags.namespace, name, parseLabels(pairs), flags['replace-all']);
    process.stdout.write(`${Object.keys(labels).sort().map((k) => `${k}=${labels[k] as string}`).join(',')}\n`);
  }
}
