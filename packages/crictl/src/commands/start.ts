import { Args } from '@oclif/core';
import { CrictlCommand } from '../base';

export default class Start extends CrictlCommand {
  static override summary = 'Start one or more created containers';
  static override usage = 'start [flags] CONTAINER-ID [CONTAINER-ID...]';
  static override strict = false;
  static override args = { id: Args.string({ description: 'CONTAINER-ID', required: true }) };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Start);
    const { startCriContainer } = require('@berth/core/dist/cri/container-run') as typeof import('@berth/core/dist/cri/container-run');
    const dirs = this.store(flags);
    for (const id of argv as string[]) {
      try {
        await startCriContainer(dirs, id);
      } catch (err) {
        this.fail(`starting the container ${JSON.stringify(id)}: ${(err as Error).message}`);
      }
      process.stdout.write(`${id}\n`);
    }
  }
}
