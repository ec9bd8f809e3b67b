import { Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { humanSize, statusInfoDoc, type Json } from '../output';
import { crictlSettings, debug } from '../settings';

export default class Imagefsinfo extends CrictlCommand {
  static override summary = 'Return image filesystem info';
  static override flags = {
    output: Flags.string({ char: 'o', description: 'Output format, One of: json|yaml|go-template|table' }),
    template: Flags.string({ description: 'The template string is only used when output is go-template; The Template format is golang template' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Imagefsinfo);
    crictlSettings(flags, this.argv);
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const { criImageFsInfo } = require('@berth/core/dist/cri/images') as typeof import('@berth/core/dist/cri/images');
    debug('get image connection');
    const fsu = criImageFsInfo(this.store(flags).root, loadConfig(flags['berth-config']).snapshotter);
    const output = flags.output ?? 'json';
    if (output === 'json' || output === 'yaml' || output === 'go-template') {
      const usage: Json = {
        timestamp: String(fsu.timestamp),
        fsId: { mountpoint: fsu.mountpoint },
        usedBytes: { value: String(fsu.usedBytes) },
        inodesUsed: { value: String(fsu.inodesUsed) },
      };
      this.printStatus('output filesystem info', output, statusInfoDoc({ imageFilesystems: [usage], containerFilesystems: [] }, undefined), flags.template);
      return;
    }
    if (output !== 'table') this.error(`output option cannot be ${output}`);
    process.stdout.write('Container Filesystem \nImage Filesystem \n'
      + `TimeStamp[0]: ${fsu.timestamp}\nDisk[0]: ${humanSize(fsu.usedBytes)}\nInodes[0]: ${fsu.inodesUsed}\nMountpoint[0]: ${fsu.mountpoint}\n`);
  }
}
