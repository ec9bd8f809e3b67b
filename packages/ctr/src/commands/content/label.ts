import { CtrCommand } from '../../base';
import { parseLabels } from '../../container-options';

export default class ContentLabel extends CtrCommand {
  static override summary = 'Add labels to content';
  static override description = 'KEY=VALUE sets a label, KEY= clears it, a bare KEY sets it to "true". Prints the labels after the change.';
  static override strict = false;
  static override usage = 'content label <digest> [<label>=<value> ...]';

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ContentLabel);
    const [digest, ...pairs] = argv as string[];
    const { labelContent } = require('@berth/core/dist/services/image-admin') as typeof import('@berth/core/dist/services/image-admin');
    const labels = labelContent(this.storeRoot(flags), flags.namespace, digest ?? '', parseLabels(pairs));
    process.stdout.write(`${Object.keys(labels).sort().map((k) => `${k}=${labels[k] as string}`).join(',')}\n`);
  }
}
