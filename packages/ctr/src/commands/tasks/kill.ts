import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { stateDir } from './common';

export default class TasksKill extends CtrCommand {
  static override summary = 'Signal a container (default: SIGTERM)';
  static override aliases = ['t:kill', 'task:kill'];
  static override args = { container: Args.string({ description: 'CONTAINER', required: true }) };
  static override flags = {
    signal: Flags.string({ char: 's', description: 'Signal to send to the container', default: 'SIGTERM' }),
    'exec-id': Flags.string({ description: 'Process ID to kill' }),
    all: Flags.boolean({ char: 'a', description: 'Send signal to all processes inside the container' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TasksKill);
    if (flags.all && flags['exec-id']) this.error('enter exec id or all with kill; not both', { exit: 1 });
    const { killTask } = require('@berth/core/dist/services/tasks') as typeof import('@berth/core/dist/services/tasks');
    killTask(stateDir(flags), flags.namespace, args.container, flags.signal, { all: flags.all, execId: flags['exec-id'] });
  }
}
