import { Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { log } from '../output';

export default class Rmp extends CrictlCommand {
  static override summary = 'Remove one or more pods';
  static override usage = 'rmp [flags] POD-ID [POD-ID...]';
  static override strict = false;
  static override flags = {
    force: Flags.boolean({ char: 'f', description: 'Force removal of the pod sandbox, disregarding if running' }),
    all: Flags.boolean({ char: 'a', description: 'Remove all pods' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Rmp);
    const { openMetadata } = require('@berth/core/dist/metadata/store') as typeof import('@berth/core/dist/metadata/store');
    const cri = require('@berth/core/dist/cri/sandbox') as typeof import('@berth/core/dist/cri/sandbox');
    const { removePod } = require('@berth/core/dist/cri/pod-remove') as typeof import('@berth/core/dist/cri/pod-remove');
    const dirs = this.store(flags);
    const store = openMetadata(dirs.root);
    try {
      const ids = flags.all ? cri.listSandboxes(store).map((s) => s.id) : (argv as string[]);
      if (ids.length === 0) {
        if (flags.all) {
          log('info', 'No pods to remove');
          return;
        }
        this.fail('rmp needs at least one POD-ID (or -a)');
      }
      // crictl removes them concurrently and reports every failure; here one after the other.
      const errors: string[] = [];
      for (const id of ids) {
        try {
          await removePod(store, dirs, id, flags.force);
          process.stdout.write(`Removed sandbox ${id}\n`);
        } catch (err) {
          errors.push(`removing the pod sandbox ${JSON.stringify(id)}: ${(err as Error).message}`);
        }
      }
      if (errors.length > 0) this.fail(errors.join(', '));
    } finally {
      store.close();
    }
  }
}
