import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';
import { stateDir } from './common';

export default class TasksPause extends CtrCommand {
  static override summary = 'Pause an existing container';
  static override aliases = ['t:pause', 'task:pause'];
  static override args = { container: Args.string({ description: 'CONTAINER', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TasksPause);
    const { pauseTask } = require('@berth/core/dist/services/tasks') as typeof import('@berth/core/dist/services/tasks');
    pauseTask(stateDir(flags), flags.namespace, args.container);
  }
}
