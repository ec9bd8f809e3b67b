import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';

export default class NamespacesLabel extends CtrCommand {
  static override summary = 'Set and clear labels for a namespace';
  static override aliases = ['ns:label'];
  static override strict = false;
  static override usage = 'namespaces label <name> [<key>=<value>...]';
  static override args = { name: Args.string({ description: 'namespace name', required: true }) };

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(NamespacesLabel);
    const ns = require('@berth/core/dist/services/namespaces') as typeof import('@berth/core/dist/services/namespaces');
    ns.labelNamespace(this.storeRoot(flags), args.name, ns.parseLabelArgs((argv as string[]).slice(1)));
  }
}
