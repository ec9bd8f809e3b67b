import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { listFormatFlag, printListJson } from '../../list-format';
import { bytesBinary, labelList } from './format';

export default class ImagesList extends CtrCommand {
  static override summary = 'List images known to containerd';
  static override aliases = ['images:ls', 'image:list', 'image:ls', 'i:ls', 'i:list'];
  static override flags = {
    quiet: Flags.boolean({ char: 'q', description: 'Print only the image refs' }),
    format: listFormatFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ImagesList);
    const { listImages } = require('@berth/core/dist/services/images') as typeof import('@berth/core/dist/services/images');
    const list = listImages(this.storeRoot(flags), flags.namespace);
    if (flags.quiet) {
      process.stdout.write(list.map((i) => `${i.name}\n`).join(''));
      return;
    }
    if (printListJson(flags.format, list)) return;
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    const rows = list.map((i) => [i.name, i.target.mediaType, i.target.digest, bytesBinary(i.size), i.platforms.join(','), labelList(i.labels)]);
    process.stdout.write(tabwrite([['REF', 'TYPE', 'DIGEST', 'SIZE', 'PLATFORMS', 'LABELS'], ...rows], { minwidth: 1, padding: 1, padLast: true }));
  }
}
