import * as fs from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';

export default class ImagesExport extends CtrCommand {
  static override summary = 'Export images';
  static override description = `Export images to an OCI tar archive ("-" writes stdout).

Tar output is formatted as an OCI archive, a Docker manifest is provided for the platform.
Use '--skip-manifest-json' to avoid including the Docker manifest.json file.
Use '--platform' to define the output platform.
When '--all-platforms' is given all images in a manifest list must be available.`;
  static override aliases = ['i:export', 'image:export'];
  static override strict = false;
  static override args = {
    out: Args.string({ description: 'archive to write ("-" for stdout)', required: true, ignoreStdin: true }),
    image: Args.string({ description: 'image name(s) to export', required: true, ignoreStdin: true }),
  };
  static override flags = {
    'skip-manifest-json': Flags.boolean({ description: 'do not add Docker compatible manifest.json to archive' }),
    'skip-non-distributable': Flags.boolean({ description: 'do not add non-distributable blobs such as Windows layers to archive' }),
    platform: Flags.string({ description: 'Pull content from a specific platform', multiple: true, multipleNonGreedy: true }),
    'all-platforms': Flags.boolean({ description: 'exports content from all platforms' }),
    local: Flags.boolean({ description: 'run export locally rather than through transfer API (berth: always local)' }),
  };

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(ImagesExport);
    const { exportImages } = require('@berth/core/dist/services/export') as typeof import('@berth/core/dist/services/export');
    const refs = (argv as string[]).slice(1);
    const toStdout = args.out === '-';
    // A failed export removes the partial file.
    const out = toStdout ? process.stdout : fs.createWriteStream(args.out, { flags: 'w', mode: 0o644 });
    try {
      await exportImages({
        root: this.storeRoot(flags),
        namespace: flags.namespace,
        refs,
        platforms: flags.platform,
        allPlatforms: flags['all-platforms'],
        skipManifestJson: flags['skip-manifest-json'],
        skipNonDistributable: flags['skip-non-distributable'],
      }, out);
    } catch (err) {
      if (!toStdout) {
        out.destroy();
        fs.rmSync(args.out, { force: true });
      }
      throw err;
    }
    if (!toStdout) await new Promise<void>((resolve, reject) => { out.end(() => resolve()); out.once('error', reject); });
  }
}
