import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';
import { stateDir } from './common';

export default class TasksResume extends CtrCommand {
  static override summary = 'Resume a paused container';
  static override aliases = ['t:resume', 'task:resume'];
  static override args = { container: Args.string({ description: 'CONTAINER', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TasksResume);
    const { resumeTask } = require('@berth/core/dist/services/tasks') as typeof import('@berth/core/dist/services/tasks');
    resumeTask(stateDir(flags), flags.namespace, args.container);
  }
}
