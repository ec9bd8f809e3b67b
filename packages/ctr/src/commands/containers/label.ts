import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';
import { parseLabels } from '../../container-flags';

export default class ContainersLabel extends CtrCommand {
  static override summary = 'Set and clear labels for a container';
  static override description = 'KEY=VALUE sets a label, KEY= clears it; prints the labels after the change.';
  static override aliases = ['c:label', 'container:label'];
  static override strict = false;
  static override usage = 'containers label [flags] <id> [<key>=<value>, ...]';
  static override args = { id: Args.string({ description: 'container id' }) };

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(ContainersLabel);
    if (!args.id) throw new Error('container id must be provided');
    const { labelContainer } = require('@berth/core/dist/services/containers') as typeof import('@berth/core/dist/services/containers');
    const labels = labelContainer(this.storeRoot(flags), flags.namespace, args.id, parseLabels((argv as string[]).slice(1)));
    const keys = Object.keys(labels).sort();
    process.stdout.write(`${keys.map((k) => `${k}=${labels[k]}`).join(',')}\n`);
  }
}
