import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { Progress } from '../../progress';
import { completeUser, registryFlags } from '../../registry-flags';
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
    platform: Flags.string({ description: 'Pull content from a specific platform' }),
    snapshotter: Flags.string({ description: 'Snapshotter name', env: 'CONTAINERD_SNAPSHOTTER' }),
  };

  async run(): Promise<void> {
    const started = process.hrtime.bigint();
    const { args, flags } = await this.parse(ImagesPull);
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const { pullImage } = require('@berth/core/dist/services/pull') as typeof import('@berth/core/dist/services/pull');
    const cfg = loadConfig(flags.config);
    const user = await completeUser(flags.user);
    const progress = new Progress();
    try {
      await pullImage({
        root: flags.root ?? cfg.root,
        namespace: flags.namespace,
        ref: args.ref,
        platform: flags.platform,
        plainHttp: flags['plain-http'],
        skipVerify: flags['skip-verify'],
        user,
        hostsDir: flags['hosts-dir'] ?? cfg.registryConfigPath,
        snapshotter: flags.snapshotter ?? cfg.snapshotter,
        maxConcurrentDownloads: cfg.maxConcurrentDownloads,
        onProgress: (p) => {
          switch (p.kind) {
            case 'resolved': progress.set(p.ref, 'resolved'); break;
            // Refs are `<kind>-<digest>`: the digest ties a line to its byte counts.
            case 'fetching': progress.set(p.ref, 'waiting', { digest: p.ref.slice(p.ref.indexOf('-') + 1), size: p.size }); break;
            case 'done': case 'exists': progress.set(p.ref, p.kind, { size: p.size }); break;
            case 'unpacking': progress.line(`unpacking ${p.platform} ${p.digest}...`); break;
            default: break;
          }
        },
      });
    } finally {
      progress.stop();
    }
    process.stdout.write(`done: ${goDuration(Number(process.hrtime.bigint() - started) / 1e6)}\n`);
  }
}
