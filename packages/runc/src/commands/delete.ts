import { Args, Flags } from '@oclif/core';
import { RuncCommand } from '../base';

export default class Delete extends RuncCommand {
  static override summary = 'delete any resources held by the container often used with detached container';
  static override usage = 'delete [command options] <container-id>';
  static override args = { id: Args.string({ description: 'container id', required: true }) };
  static override flags = {
    force: Flags.boolean({ char: 'f', description: 'Forcibly deletes the container if it is still running (uses SIGKILL)' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Delete);
    const { root } = this.globals(flags);
    const { deleteContainer } = require('@berth/core/dist/runtime/lifecycle') as typeof import('@berth/core/dist/runtime/lifecycle');
    const { warnings } = deleteContainer(root, args.id, flags.force);
    const { report } = require('../log') as typeof import('../log');
    for (const w of warnings) report(this.argv, w, 'warning');
  }
}
