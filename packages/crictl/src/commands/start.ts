import { Args } from '@oclif/core';
import { CrictlCommand } from '../base';

export default class Start extends CrictlCommand {
  static override summary = 'Start one or more created containers';
  static override usage = 'start [flags] CONTAINER-ID [CONTAINER-ID...]';
  static override strict = false;
  static override args = { id: Args.string({ description: 'CONTAINER-ID', required: true }) };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Start);
    const { startContainers } = require('../lifecycle-flows') as typeof import('../lifecycle-flows');
    await startContainers(this.store(flags), argv as string[], (m) => this.fail(m));
  }
}
