import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { listFormatFlag, printListJson } from '../../list-format';
import { stateDir } from './common';

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
    if (flags.quiet) {
      process.stdout.write(list.map((t) => `${t.id}\n`).join(''));
      return;
    }
    if (printListJson(flags.format, list)) return;
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    // ctr ends only the header with a tab: the STATUS column is padded there alone.
    process.stdout.write(tabwrite([['TASK', 'PID', 'STATUS', ''], ...list.map((t) => [t.id, String(t.pid), t.status])], { minwidth: 4, padding: 4 }));
  }
}
