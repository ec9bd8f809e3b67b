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
    const entries = listContainers(root);
    if (flags.quiet) {
      process.stdout.write(entries.map((e) => `${e.id}\n`).join(''));
      return;
    }
    if (flags.format === 'json') {
      // runc prints the same fields as `state`, with the owner's name, on one line.
      const out = entries.map(({ ownerName, ...e }) => ({ ...e, owner: ownerName }));
      // runc 1.1 prints Go's nil slice, `null`, when there are no containers.
      process.stdout.write(`${out.length ? JSON.stringify(out) : 'null'}\n`);
      return;
    }
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    const rows = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER'],
      ...entries.map((e) => [e.id, String(e.pid), e.status, e.bundle, e.created, e.ownerName])];
    process.stdout.write(tabwrite(rows, { minwidth: 12, padding: 3 }));
  }
}
