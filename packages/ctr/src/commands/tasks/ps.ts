import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { listFormatFlag, printListJson } from '../../list-format';
import { stateDir } from './common';

export default class TasksPs extends CtrCommand {
  static override summary = 'List processes for container';
  static override aliases = ['t:ps', 'task:ps'];
  static override args = { container: Args.string({ description: 'CONTAINER', required: true }) };
  static override flags = {
    // ctr's tasks ps has neither: berth's own, as the other list commands have them.
    quiet: Flags.boolean({ char: 'q', description: 'berth: print only the process ids' }),
    format: listFormatFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TasksPs);
    const { taskProcesses } = require('@berth/core/dist/services/tasks') as typeof import('@berth/core/dist/services/tasks');
    const procs = taskProcesses(stateDir(flags), flags.namespace, args.container);
    if (flags.quiet) {
      process.stdout.write(procs.map((p) => `${p.pid}\n`).join(''));
      return;
    }
    if (printListJson(flags.format, procs)) return;
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    // INFO as ctr prints runc's process details (%+v of the Go struct), "-" for the init's.
    const rows = procs.map((p) => [String(p.pid), p.execId ? `&ProcessDetails{ExecID:${p.execId},}` : '-']);
    process.stdout.write(tabwrite([['PID', 'INFO'], ...rows], { minwidth: 1, padding: 4 }));
  }
}
