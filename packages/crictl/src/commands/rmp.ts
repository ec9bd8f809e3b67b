import { Flags } from '@oclif/core';
import { CrictlCommand } from '../base';

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
    const { removePods } = require('../lifecycle-flows') as typeof import('../lifecycle-flows');
    await removePods(this.store(flags), argv as string[], { force: flags.force === true, all: flags.all === true }, (m) => this.fail(m));
  }
}
