import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';

export default class NamespacesCreate extends CtrCommand {
  static override summary = 'Create a new namespace';
  static override aliases = ['ns:create'];
  static override strict = false;
  static override usage = 'namespaces create <name> [<key>=<value>...]';
  static override args = { name: Args.string({ description: 'namespace name', required: true }) };

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(NamespacesCreate);
    const ns = require('@berth/core/dist/services/namespaces') as typeof import('@berth/core/dist/services/namespaces');
    ns.createNamespace(this.storeRoot(flags), args.name, ns.parseLabelArgs((argv as string[]).slice(1)));
  }
}
