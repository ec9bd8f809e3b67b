import { Args } from '@oclif/core';
import { RuncCommand } from '../base';

export default class Pause extends RuncCommand {
  static override summary = 'pause suspends all processes inside the container';
  static override usage = 'pause <container-id>';
  static override args = { id: Args.string({ description: 'container id', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Pause);
    const { root } = this.globals(flags);
    const { pauseContainer } = require('@berth/core/dist/runtime/control') as typeof import('@berth/core/dist/runtime/control');
    pauseContainer(root, args.id);
  }
}
