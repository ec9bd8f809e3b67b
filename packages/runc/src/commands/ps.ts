import { Args, Flags } from '@oclif/core';
import { splitCommandLine } from '@berth/core/dist/cli/argv';
import { RuncCommand } from '../base';

export default class Ps extends RuncCommand {
  static override summary = 'ps displays the processes running inside a container';
  static override usage = 'ps [command options] <container-id> [ps options]';
  static override args = { id: Args.string({ description: 'container id', required: true }) };
  static override trailingArgs = true;
  static override flags = {
    format: Flags.string({ char: 'f', description: 'select one of: table or json', options: ['table', 'json'], default: 'table' }),
  };

  async run(): Promise<void> {
    const { head, rest: psArgs } = splitCommandLine(this.argv, { ...Ps.baseFlags, ...Ps.flags }, 1);
    const { args, flags } = await this.parse(Ps, head);
    const { root } = this.globals(flags);
    const core = require('@berth/core/dist/runtime/control') as typeof import('@berth/core/dist/runtime/control');
    if (flags.format === 'json') {
      // Go's nil slice for a stopped container, as runc prints it.
      const pids = core.containerPids(root, args.id);
      process.stdout.write(`${pids.length > 0 ? JSON.stringify(pids) : 'null'}\n`);
      return;
    }
    process.stdout.write(core.psTable(root, args.id, psArgs));
  }
}
