import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { listFormatFlag, printListJson } from '../../list-format';

export default class NamespacesList extends CtrCommand {
  static override summary = 'List namespaces';
  static override aliases = ['namespaces:ls', 'ns:ls', 'ns:list'];
  static override flags = {
    quiet: Flags.boolean({ char: 'q', description: 'Print only the namespace name' }),
    format: listFormatFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(NamespacesList);
    const { listNamespaces } = require('@berth/core/dist/services/namespaces') as typeof import('@berth/core/dist/services/namespaces');
    const list = listNamespaces(this.storeRoot(flags));
    if (flags.quiet) {
      process.stdout.write(list.map((n) => `${n.name}\n`).join(''));
      return;
    }
    if (printListJson(flags.format, list)) return;
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    const labels = (l: Record<string, string>): string => Object.keys(l).sort().map((k) => `${k}=${l[k]}`).join(',');
    process.stdout.write(tabwrite([['NAME', 'LABELS'], ...list.map((n) => [n.name, labels(n.labels)])], { minwidth: 1, padding: 1, padLast: true }));
  }
}
