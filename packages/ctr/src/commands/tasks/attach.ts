import { Args } from '@oclif/core';
import { CtrCommand } from '../../base';
import { exitAfterFlush, foreground, stateDir } from './common';

export default class TasksAttach extends CtrCommand {
  static override summary = 'Attach to the IO of a running container';
  static override description = 'Relays the task\'s stdio until it exits, deletes the task, and exits with its exit status (a task that has exited, or runs with --null-io or a log: its status only).';
  static override aliases = ['t:attach', 'task:attach'];
  static override args = { container: Args.string({ description: 'CONTAINER', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TasksAttach);
    const { attachTask, deleteTask } = require('@berth/core/dist/services/tasks') as typeof import('@berth/core/dist/services/tasks');
    const state = stateDir(flags);
    const { io, terminal } = attachTask(state, flags.namespace, args.container);
    const status = await foreground(state, flags.namespace, args.container, { io }, terminal);
    // As ctr, whose attach deletes the task once it has its status (a deferred Delete).
    try { deleteTask(state, flags.namespace, args.container); } catch { /* deleted meanwhile, or its shim is gone */ }
    await exitAfterFlush(status);
  }
}
