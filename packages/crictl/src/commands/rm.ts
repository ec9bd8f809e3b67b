import { Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { log } from '../output';

export default class Rm extends CrictlCommand {
  static override summary = 'Remove one or more containers';
  static override usage = 'rm [flags] CONTAINER-ID [CONTAINER-ID...]';
  static override strict = false;
  static override flags = {
    force: Flags.boolean({ char: 'f', description: 'Force removal of the container, disregarding if running' }),
    all: Flags.boolean({ char: 'a', description: 'Remove all containers' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Rm);
    const { listContainerViews, removeCriContainer } = require('@berth/core/dist/cri/containers') as typeof import('@berth/core/dist/cri/containers');
    const dirs = this.store(flags);
    const ids = flags.all ? listContainerViews(dirs).map((c) => c.id) : (argv as string[]);
    if (ids.length === 0) {
      if (flags.all) {
        log('info', 'No containers to remove');
        return;
      }
      this.fail('ID cannot be empty');
    }
    const errors: string[] = [];
    for (const id of ids) {
      try {
        await removeCriContainer(dirs, id, flags.force);
        // crictl echoes the id as given.
        process.stdout.write(`${id}\n`);
      } catch (err) {
        errors.push(`removing container ${JSON.stringify(id)}: ${(err as Error).message}`);
      }
    }
    if (errors.length > 0) this.fail(errors.join(', '));
  }
}
