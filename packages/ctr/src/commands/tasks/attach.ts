import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';
import { exitAfterFlush, foreground, stateDir } from './common';

export default class TasksAttach extends CtrCommand {
  static override summary = 'Attach to the IO of a running container';
  static override description = 'Relays the task\'s stdio until it exits, then exits with its exit status.';
  static override aliases = ['t:attach', 'task:attach'];
  static override args = { container: Args.string({ description: 'CONTAINER', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TasksAttach);
    const { attachTask } = require('@berth/core/dist/services/tasks') as typeof import('@berth/core/dist/services/tasks');
    const state = stateDir(flags);
    const { io, terminal } = attachTask(state, flags.namespace, args.container);
    await exitAfterFlush(await foreground(state, flags.namespace, args.container, { io }, terminal));
  }
}
