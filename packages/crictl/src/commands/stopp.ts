import { Args } from '@oclif/core';
import { CrictlCommand } from '../base';

export default class Stopp extends CrictlCommand {
  static override summary = 'Stop one or more running pods';
  static override usage = 'stopp [flags] POD-ID [POD-ID...]';
  static override strict = false;
  static override args = { id: Args.string({ description: 'POD-ID', required: true }) };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Stopp);
    const { stopPods } = require('../lifecycle-flows') as typeof import('../lifecycle-flows');
    await stopPods(this.store(flags), argv as string[], (m) => this.fail(m));
  }
}
