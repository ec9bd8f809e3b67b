import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';

export default class ImagesImport extends CtrCommand {
  static override summary = 'Import images';
  static override description = `Import images from a tar stream ("-" reads stdin).
Implemented formats: oci.v1, docker.v1.1, docker.v1.2 (plain, gzip or zstd tar).

For OCI v1, you may need to specify --base-name because an OCI archive may contain only partial
image references (tags without the base image name). If no base image name is provided, a name
is generated as "import-%{yyyy-MM-dd}".

If foobar.tar contains an OCI ref named "latest" and anonymous ref "sha256:deadbeef",
"ctr images import --base-name foo/bar --digests foobar.tar" creates "foo/bar:latest" and
"foo/bar@sha256:deadbeef" images.`;
  static override aliases = ['i:import', 'image:import'];
  static override args = {
    in: Args.string({ description: 'archive to import ("-" for stdin)', required: true, ignoreStdin: true }),
  };
  static override flags = {
    'base-name': Flags.string({ description: 'base image name for added images, when provided only images with this name prefix are imported' }),
    digests: Flags.boolean({ description: 'whether to create digest images (default: false)' }),
    'skip-digest-for-named': Flags.boolean({ description: 'skip applying --digests option to images named in the importing tar (use it in conjunction with --digests)' }),
    'index-name': Flags.string({ description: 'image name to keep index as, by default index is discarded' }),
    'all-platforms': Flags.boolean({ description: 'imports content for all platforms, false by default' }),
    platform: Flags.string({ description: 'imports content for specific platform' }),
    'no-unpack': Flags.boolean({ description: 'skip unpacking the images, false by default' }),
    local: Flags.boolean({ description: 'run import locally rather than through transfer API (berth: always local)' }),
    snapshotter: Flags.string({ description: 'snapshotter name. Empty value stands for the default value.', env: 'CONTAINERD_SNAPSHOTTER' }),
    label: Flags.string({ description: 'labels to attach to the imported images (key=value)', multiple: true, multipleNonGreedy: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ImagesImport);
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const { importImages } = require('@berth/core/dist/services/import') as typeof import('@berth/core/dist/services/import');
    const cfg = loadConfig(flags.config);
    const { parseLabelArgs } = require('@berth/core/dist/services/namespaces') as typeof import('@berth/core/dist/services/namespaces');
    const labels = parseLabelArgs(flags.label ?? []);
    // On an interactive terminal (not under CI) an ora spinner shows the phase as it goes (reading
    // the archive can take a while); the lines left behind are the ones ctr prints, as through a pipe.
    const interactive = process.stdout.isTTY === true && process.env['TERM'] !== 'dumb' && !('CI' in process.env);
    const ora = interactive ? require('ora') as typeof import('ora') : undefined;
    const reading = `importing ${args.in === '-' ? 'from stdin' : args.in}`;
    let spinner = ora?.({ text: reading, stream: process.stdout }).start();
    let line = '';
    try {
      await importImages({
        root: flags.root ?? cfg.root,
        namespace: flags.namespace,
        input: args.in,
        baseName: flags['base-name'],
        digests: flags.digests,
        skipDigestForNamed: flags['skip-digest-for-named'],
        indexName: flags['index-name'],
        allPlatforms: flags['all-platforms'],
        platform: flags.platform,
        unpack: !flags['no-unpack'],
        snapshotter: flags.snapshotter || cfg.snapshotter,
        labels,
        onProgress: (p) => {
          if (p.kind === 'unpacking') {
            line = `unpacking ${p.name} (${p.digest})...`;
            if (spinner) spinner.text = line; else process.stdout.write(line);
          } else if (spinner) {
            spinner.stop();
            process.stdout.write(`${line}done\n`);
            spinner = ora?.({ text: reading, stream: process.stdout }).start();
          } else {
            process.stdout.write('done\n');
          }
        },
      });
    } finally {
      spinner?.stop();
    }
  }
}
