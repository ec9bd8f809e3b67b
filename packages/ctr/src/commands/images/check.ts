import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { bytesBinary } from './format';

export default class ImagesCheck extends CtrCommand {
  static override summary = 'Check existing images to ensure all content is available locally';
  static override description = 'Lists each image with how much of its platform content is stored and whether it is unpacked. Filters: name==REF, name!=REF, name~=REGEXP, labels."KEY"==VALUE (a bare REF means name==REF).';
  static override aliases = ['image:check', 'i:check'];
  static override strict = false;
  static override usage = 'images check [flags] [<filter>, ...]';
  static override flags = {
    quiet: Flags.boolean({ char: 'q', description: 'Print only the ready image refs (fully downloaded and unpacked)' }),
    snapshotter: Flags.string({ description: 'Snapshotter name. Empty value stands for the default value.', env: 'CONTAINERD_SNAPSHOTTER' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ImagesCheck);
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const { checkImages } = require('@berth/core/dist/services/image-admin') as typeof import('@berth/core/dist/services/image-admin');
    const cfg = loadConfig(flags.config);
    const list = checkImages(flags.root ?? cfg.root, flags.namespace, { filters: argv as string[], snapshotter: flags.snapshotter || cfg.snapshotter });
    if (flags.quiet) {
      process.stdout.write(list.filter((c) => c.status === 'complete').map((c) => `${c.name}\n`).join(''));
    } else {
      const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
      const rows = list.map((c) => {
        let status: string = c.status;
        let size = '-';
        if (c.status === 'unavailable') {
          status = `unavailable (${c.present}/?)`;
          size = `${bytesBinary(c.presentSize)}/?`;
        } else if (c.status !== 'error') {
          status = `${c.status} (${c.present}/${c.required})`;
          size = `${bytesBinary(c.presentSize)}/${bytesBinary(c.requiredSize)}`;
        }
        return [c.name, c.target.mediaType, c.target.digest, status, size, String(c.unpacked)];
      });
      // ctr ends the header's cells with tabs but not the rows' last one: only the header's is padded.
      if (list.length > 0) process.stdout.write(tabwrite([['REF', 'TYPE', 'DIGEST', 'STATUS', 'SIZE', 'UNPACKED'], ...rows], { minwidth: 1, padding: 1 }).replace('UNPACKED\n', 'UNPACKED \n'));
    }
    // ctr goes through every image and fails with the first error at the end.
    const err = list.find((c) => c.error !== undefined);
    if (err) this.error(err.error as string);
  }
}
