import { Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { criImageJson } from '../image-json';
import { humanSize, statusInfoDoc } from '../output';
import { crictlSettings, debug } from '../settings';

export default class Inspecti extends CrictlCommand {
  static override summary = 'Return the status of one or more images';
  static override usage = 'inspecti [flags] IMAGE-ID [IMAGE-ID...]';
  static override strict = false;
  static override flags = {
    output: Flags.string({ char: 'o', description: 'Output format, One of: json|yaml|go-template|table' }),
    quiet: Flags.boolean({ char: 'q', description: 'Do not show verbose information' }),
    template: Flags.string({ description: 'The template string is only used when output is go-template; The Template format is golang template' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Inspecti);
    crictlSettings(flags, this.argv);
    const ids = argv as string[];
    if (ids.length === 0) this.error('inspecti: at least one IMAGE-ID is needed');
    const { criImageStatus } = require('@berth/core/dist/cri/images') as typeof import('@berth/core/dist/cri/images');
    const root = this.store(flags).root;
    const output = flags.output ?? 'json';
    const verbose = !flags.quiet;
    debug('get image connection');
    for (const id of ids) {
      let img: ReturnType<typeof criImageStatus>;
      try {
        img = criImageStatus(root, id);
      } catch (err) {
        this.error(`image status for ${JSON.stringify(id)} request: ${(err as Error).message}`);
      }
      if (!img) this.error(`no such image ${JSON.stringify(id)} present`);
      // containerd's verbose info: {"chainID", "imageSpec"} under the key "info".
      const info = verbose ? { info: JSON.stringify({ chainID: img.chainID, imageSpec: img.imageSpec }) } : undefined;
      if (output === 'json' || output === 'yaml' || output === 'go-template') {
        this.printStatus(`output status for ${JSON.stringify(id)}`, output, statusInfoDoc(criImageJson(img), info), flags.template);
        continue;
      }
      if (output !== 'table') this.error(`output option cannot be ${output}`);
      let out = `ID: ${img.id}\n`;
      for (const t of img.repoTags) out += `Tag: ${t}\n`;
      for (const d of img.repoDigests) out += `Digest: ${d}\n`;
      out += `Size: ${humanSize(img.size, 3)}\n`;
      // Go's %v of a map[string]string.
      if (verbose) out += `Info: map[${info ? `info:${info.info}` : ''}]\n`;
      process.stdout.write(out);
    }
  }
}
