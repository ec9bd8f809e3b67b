import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';

export default class NamespacesRemove extends CtrCommand {
  static override summary = 'Remove one or more namespaces';
  static override description = 'Removes namespaces that are empty; one that still holds images, containers, snapshots, leases or content is refused and named.';
  static override aliases = ['namespaces:rm', 'namespaces:delete', 'ns:rm', 'ns:remove', 'ns:delete'];
  static override strict = false;
  static override usage = 'namespaces remove <name> [<name>...]';
  static override args = { name: Args.string({ description: 'namespace name', required: true }) };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(NamespacesRemove);
    const { removeNamespaces } = require('@berth/core/dist/services/namespaces') as typeof import('@berth/core/dist/services/namespaces');
    const { removed, errors } = removeNamespaces(this.storeRoot(flags), argv as string[]);
    // ctr prints each removed name and goes on past failures.
    process.stdout.write(removed.map((n) => `${n}\n`).join(''));
    this.exitOnErrors(errors);
  }
}
