import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';

export default class LeasesRemove extends CtrCommand {
  static override summary = 'Delete a lease';
  static override description = 'delete a lease';
  static override aliases = ['leases:delete', 'leases:del', 'leases:rm'];
  static override usage = 'leases delete [flags] <lease id> ...';
  static override strict = false;
  static override flags = { sync: Flags.boolean({ description: 'Synchronously remove leases and all unreferenced resources' }) };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(LeasesRemove);
    if (argv.length === 0) throw new Error('leases delete: give at least one lease id');
    const { removeLeases } = require('@berth/core/dist/services/leases') as typeof import('@berth/core/dist/services/leases');
    const r = await removeLeases(this.storeRoot(flags), flags.namespace, argv as string[]);
    process.stdout.write(r.removed.map((id) => `${id}\n`).join(''));
    if (r.error) throw r.error;
  }
}
