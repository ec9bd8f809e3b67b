import { Flags } from '@oclif/core';
import { logrusLine } from '@berth/core/dist/cli/logrus';
import { CtrCommand } from '../../base';
import { stateDir } from './common';

export default class TasksDelete extends CtrCommand {
  static override summary = 'Delete one or more tasks';
  static override aliases = ['tasks:del', 'tasks:remove', 'tasks:rm', 't:delete', 't:del', 't:remove', 't:rm', 'task:delete', 'task:del', 'task:remove', 'task:rm'];
  static override strict = false;
  static override usage = 'tasks delete [flags] CONTAINER [CONTAINER, ...]';
  static override flags = {
    force: Flags.boolean({ char: 'f', description: 'Force delete task process' }),
    'exec-id': Flags.string({ description: 'Process ID to kill' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(TasksDelete);
    const ids = argv as string[];
    if (ids.length === 0) this.error('must specify at least one container', { exit: 1 });
    const tasks = require('@berth/core/dist/services/tasks') as typeof import('@berth/core/dist/services/tasks');
    const state = stateDir(flags);
    if (flags['exec-id']) {
      // As ctr: the exec process of the first container; its status is ours when it is not 0.
      const { status } = tasks.deleteExec(state, flags.namespace, ids[0], flags['exec-id'], flags.force);
      if (status) process.exit(status);
      return;
    }
    const errors: Error[] = [];
    for (const id of ids) {
      try {
        const r = tasks.deleteTask(state, flags.namespace, id, flags.force);
        // ctr warns (through logrus) about a non-zero exit, and still succeeds.
        if (r.exit && r.exit.status !== 0) process.stderr.write(logrusLine(`task ${id} exit with non-zero exit code ${r.exit.status}`, 'warning'));
      } catch (err) {
        errors.push(err as Error);
      }
    }
    this.exitOnErrors(errors);
  }
}
