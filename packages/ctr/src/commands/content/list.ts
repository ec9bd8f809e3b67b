import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { listFormatFlag, printListJson } from '../../list-format';
import { humanDuration, humanSize, labelList } from '../images/format';

export default class ContentList extends CtrCommand {
  static override summary = 'List all blobs in the store';
  static override aliases = ['content:ls'];
  static override flags = {
    quiet: Flags.boolean({ char: 'q', description: 'Print only the blob digest' }),
    format: listFormatFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ContentList);
    const { listContent } = require('@berth/core/dist/services/images') as typeof import('@berth/core/dist/services/images');
    const list = listContent(this.storeRoot(flags), flags.namespace);
    if (flags.quiet) {
      process.stdout.write(list.map((c) => `${c.digest}\n`).join(''));
      return;
    }
    if (printListJson(flags.format, list)) return;
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    const now = Date.now();
    const rows = list.map((c) => [c.digest, humanSize(c.size), humanDuration(now - c.createdAt.getTime()), labelList(c.labels)]);
    // ctr ends these rows with a newline, not a tab: the last column is not padded.
    process.stdout.write(tabwrite([['DIGEST', 'SIZE', 'AGE', 'LABELS'], ...rows], { minwidth: 1, padding: 1 }));
  }
}
