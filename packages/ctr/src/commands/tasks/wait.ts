import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';
import { stateDir } from './common';

export default class TasksWait extends CtrCommand {
  static override summary = 'Wait for a task to exit and print its exit status (berth\'s own; not in containerd\'s ctr)';
  static override description = 'Blocks until the task exits, then prints its exit status (the exit code, or 128 + the signal that killed it). Fails at once if the task\'s shim has died.';
  static override aliases = ['t:wait', 'task:wait'];
  static override args = { container: Args.string({ description: 'CONTAINER', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TasksWait);
    const { waitTaskExit } = require('@berth/core/dist/services/tasks') as typeof import('@berth/core/dist/services/tasks');
    const exit = await waitTaskExit(stateDir(flags), flags.namespace, args.container);
    process.stdout.write(`${exit.status}\n`);
  }
}
