import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { Progress } from '../../progress';
import { registryAccess, registryFlags } from '../../registry-flags';

export default class ContentFetch extends CtrCommand {
  static override summary = 'Fetch all content for an image into containerd';
  static override description = 'Fetches every blob of an image (index, manifests, configs, layers of the chosen platforms) into the content store and records the image, without unpacking it.';
  static override usage = 'content fetch [flags] <remote> <object>';
  // ignoreStdin: oclif would otherwise read a missing argument from stdin, where --user's password comes.
  static override args = {
    remote: Args.string({ description: 'image reference', required: true, ignoreStdin: true }),
    object: Args.string({ description: 'ignored (ctr\'s fetch-object syntax)', ignoreStdin: true }),
  };
  static override flags = {
    ...registryFlags,
    label: Flags.string({ description: 'Labels to attach to the image', multiple: true, multipleNonGreedy: true }),
    platform: Flags.string({ description: 'Pull content from a specific platform', multiple: true, multipleNonGreedy: true }),
    'all-platforms': Flags.boolean({ description: 'Pull content from all platforms' }),
    'all-metadata': Flags.boolean({ description: 'Pull metadata for all platforms' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ContentFetch);
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const { fetchContent } = require('@berth/core/dist/services/fetch') as typeof import('@berth/core/dist/services/fetch');
    const cfg = loadConfig(flags.config);
    const { parseLabelArgs } = require('@berth/core/dist/services/namespaces') as typeof import('@berth/core/dist/services/namespaces');
    const labels = parseLabelArgs(flags.label ?? []);
    const access = await registryAccess(flags, cfg.registryConfigPath);
    const progress = new Progress();
    try {
      await fetchContent({
        root: flags.root ?? cfg.root,
        namespace: flags.namespace,
        ref: args.remote,
        platforms: flags.platform,
        allPlatforms: flags['all-platforms'],
        allMetadata: flags['all-metadata'],
        labels: flags.label ? labels : undefined,
        ...access,
        maxConcurrentDownloads: cfg.maxConcurrentDownloads,
        onProgress: (p) => {
          if (p.kind === 'resolved') progress.set(p.ref, 'resolved');
          else progress.set(p.ref, p.kind === 'started' ? 'waiting' : p.kind, { digest: p.digest, size: p.size });
        },
      });
    } finally {
      progress.stop();
    }
  }
}
