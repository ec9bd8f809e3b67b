import { Flags } from '@oclif/core';
import { RuncCommand } from '../base';

export default class List extends RuncCommand {
  static override summary = 'lists containers started by runc with the given root';
  static override flags = {
    format: Flags.string({ char: 'f', description: 'select one of: table or json', options: ['table', 'json'], default: 'table' }),
    quiet: Flags.boolean({ char: 'q', description: 'display only container IDs' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(List);
    const { root } = this.globals(flags);
    const { listContainers } = require('@berth/core/dist/runtime/list') as typeof import('@berth/core/dist/runtime/list');
    const { formatList } = require('../list-text') as typeof import('../list-text');
    process.stdout.write(formatList(listContainers(root, (id, reason) => process.stderr.write(`load container ${id}: ${reason}\n`)), flags.quiet ? 'quiet' : flags.format === 'json' ? 'json' : 'table'));
  }
}
