import { Args } from '@oclif/core';
import { RuncCommand } from '../base';

export default class Start extends RuncCommand {
  static override summary = 'executes the user defined process in a created container';
  static override usage = 'start <container-id>';
  static override args = { id: Args.string({ description: 'container id', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Start);
    const { root } = this.globals(flags);
    const { startContainer } = require('@berth/core/dist/runtime/lifecycle') as typeof import('@berth/core/dist/runtime/lifecycle');
    startContainer(root, args.id);
  }
}
