import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';

export default class ContainersRemove extends CtrCommand {
  static override summary = 'Delete one or more existing containers';
  static override aliases = ['containers:rm', 'containers:delete', 'containers:del', 'c:rm', 'c:remove', 'c:delete', 'c:del',
    'container:rm', 'container:remove', 'container:delete', 'container:del'];
  static override strict = false;
  static override usage = 'containers delete [flags] <id> [<id>...]';
  static override flags = {
    'keep-snapshot': Flags.boolean({ description: 'Do not clean up snapshot with container' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ContainersRemove);
    const ids = argv as string[];
    if (ids.length === 0) throw new Error('must specify at least one container to delete');
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const state = flags.state ?? loadConfig(flags.config).state;
    const { removeContainers } = require('@berth/core/dist/services/containers') as typeof import('@berth/core/dist/services/containers');
    const { failed } = await removeContainers(this.storeRoot(flags), state, flags.namespace, ids, { keepSnapshot: flags['keep-snapshot'] });
    if (failed.length === 0) return;
    // ctr logs each failure, goes on, and ends with the first one.
    const { logrusLine } = require('@berth/core/dist/cli/logrus') as typeof import('@berth/core/dist/cli/logrus');
    for (const { id, error } of failed) {
      process.stderr.write(logrusLine(`failed to delete container "${id}"`, 'error').replace(/\n$/, ` error=${JSON.stringify(error.message)}\n`));
    }
    throw (failed[0] as { error: Error }).error;
  }
}
