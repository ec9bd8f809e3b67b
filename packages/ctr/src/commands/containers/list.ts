import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { listFormatFlag, printListJson } from '../../list-format';

export default class ContainersList extends CtrCommand {
  static override summary = 'List containers';
  static override aliases = ['containers:ls', 'c:ls', 'c:list', 'container:ls', 'container:list'];
  static override strict = false;
  static override usage = 'containers list [flags] [<filter>, ...]';
  static override flags = {
    quiet: Flags.boolean({ char: 'q', description: 'Print only the container id' }),
    format: listFormatFlag,
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ContainersList);
    const { listContainers } = require('@berth/core/dist/services/containers') as typeof import('@berth/core/dist/services/containers');
    const list = listContainers(this.storeRoot(flags), flags.namespace, argv as string[]);
    if (flags.quiet) {
      process.stdout.write(list.map((c) => `${c.id}\n`).join(''));
      return;
    }
    if (printListJson(flags.format, list)) return;
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    const rows = list.map((c) => [c.id, c.image || '-', c.runtime.name]);
    process.stdout.write(tabwrite([['CONTAINER', 'IMAGE', 'RUNTIME'], ...rows], { minwidth: 4, padding: 4, padLast: true }));
  }
}
