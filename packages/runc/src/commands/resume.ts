import { Args } from '@oclif/core';
import { RuncCommand } from '../base';

export default class Resume extends RuncCommand {
  static override summary = 'resumes all processes that have been previously paused';
  static override usage = 'resume <container-id>';
  static override args = { id: Args.string({ description: 'container id', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Resume);
    const { root } = this.globals(flags);
    const { resumeContainer } = require('@berth/core/dist/runtime/control') as typeof import('@berth/core/dist/runtime/control');
    resumeContainer(root, args.id);
  }
}
