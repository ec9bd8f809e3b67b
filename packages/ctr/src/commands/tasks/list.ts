import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { listFormatFlag, printListJson } from '../../list-format';
import { formatTaskList, stateDir } from './list-text';

export default class TasksList extends CtrCommand {
  static override summary = 'List tasks';
  static override aliases = ['tasks:ls', 't:ls', 't:list', 'task:ls', 'task:list'];
  static override flags = {
    quiet: Flags.boolean({ char: 'q', description: 'Print only the task id' }),
    format: listFormatFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(TasksList);
    const { listTasks } = require('@berth/core/dist/services/tasks') as typeof import('@berth/core/dist/services/tasks');
    const list = listTasks(stateDir(flags), flags.namespace);
    if (!flags.quiet && printListJson(flags.format, list)) return;
    process.stdout.write(formatTaskList(list, flags.quiet));
  }
}
