import { Args } from '@oclif/core';
import { RuncCommand } from '../base';

export default class State extends RuncCommand {
  static override summary = 'output the state of a container';
  static override description = 'Where "<container-id>" is your name for the instance of the container.';
  static override usage = 'state <container-id>';
  static override args = { id: Args.string({ description: 'container id', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(State);
    const { root } = this.globals(flags);
    const { containerState } = require('@berth/core/dist/runtime/list') as typeof import('@berth/core/dist/runtime/list');
    process.stdout.write(`${JSON.stringify(containerState(root, args.id), null, 2)}\n`);
  }
}
