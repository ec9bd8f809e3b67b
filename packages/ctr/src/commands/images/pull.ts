import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { Progress } from '../../progress';
import { registryAccess, registryFlags } from '../../registry-flags';
import { goDuration } from './format';

export default class ImagesPull extends CtrCommand {
  static override summary = 'Pull an image from a remote';
  static override aliases = ['i:pull', 'image:pull'];
  // ignoreStdin: oclif would otherwise read a missing argument from stdin, where --user's password comes.
  static override args = {
    ref: Args.string({ description: 'image reference', required: true, ignoreStdin: true }),
  };
  static override flags = {
    ...registryFlags,
    snapshotter: Flags.string({ description: 'Snapshotter name', env: 'CONTAINERD_SNAPSHOTTER' }),
    label: Flags.string({ description: 'Labels to attach to the image', multiple: true, multipleNonGreedy: true }),
    platform: Flags.string({ description: 'Pull content from a specific platform', multiple: true, multipleNonGreedy: true }),
    'all-platforms': Flags.boolean({ description: 'Pull content and metadata from all platforms' }),
    'all-metadata': Flags.boolean({ description: 'Pull metadata for all platforms' }),
    'print-chainid': Flags.boolean({ description: 'Print the resulting image\'s chain ID' }),
    'max-concurrent-downloads': Flags.integer({ description: 'Set the max concurrent downloads for each pull', min: 0 }),
  };

  async run(): Promise<void> {
    const started = process.hrtime.bigint();
    const { args, flags } = await this.parse(ImagesPull);
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const { pullImagePlatforms } = require('@berth/core/dist/services/pull-platforms') as typeof import('@berth/core/dist/services/pull-platforms');
    const cfg = loadConfig(flags.config);
    const access = await registryAccess(flags, cfg.registryConfigPath);
    const { parseLabelArgs } = require('@berth/core/dist/services/namespaces') as typeof import('@berth/core/dist/services/namespaces');
    const labels = parseLabelArgs(flags.label ?? []);
    const progress = new Progress();
    // ctr prints the image's target digest on each unpacking line, whatever the platform's manifest.
    let target = '';
    let topChain: string | undefined;
    const chainLine = (): void => {
      if (flags['print-chainid'] && topChain !== undefined) progress.line(`image chain ID: ${topChain}`);
      topChain = undefined;
    };
    try {
      await pullImagePlatforms({
        root: flags.root ?? cfg.root,
        namespace: flags.namespace,
        ref: args.ref,
        platforms: flags.platform,
        allPlatforms: flags['all-platforms'],
        allMetadata: flags['all-metadata'],
        labels: flags.label ? labels : undefined,
        ...access,
        snapshotter: flags.snapshotter ?? cfg.snapshotter,
        maxConcurrentDownloads: flags['max-concurrent-downloads'] || cfg.maxConcurrentDownloads,
        onProgress: (p) => {
          switch (p.kind) {
            case 'resolved': target = p.digest; progress.set(p.ref, 'resolved'); break;
            // Refs are `<kind>-<digest>`: the digest ties a line to its byte counts.
            case 'fetching': progress.set(p.ref, 'waiting', { digest: p.ref.slice(p.ref.indexOf('-') + 1), size: p.size }); break;
            case 'done': case 'exists': progress.set(p.ref, p.kind, { size: p.size }); break;
            case 'unpacking': chainLine(); progress.line(`unpacking ${p.platform} ${target}...`); break;
            // The last layer's chain ID of a platform is the image's; ctr prints it after that platform's line.
            case 'unpacked': topChain = p.chainID; break;
            default: break;
          }
        },
      });
      chainLine();
    } finally {
      progress.stop();
    }
    process.stdout.write(`done: ${goDuration(Number(process.hrtime.bigint() - started) / 1e6)}\n`);
  }
}
