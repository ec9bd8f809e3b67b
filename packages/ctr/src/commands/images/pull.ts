import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { goDuration } from './format';

export default class ImagesPull extends CtrCommand {
  static override summary = 'Pull an image from a remote';
  static override aliases = ['i:pull'];
  static override args = {
    ref: Args.string({ description: 'image reference', required: true }),
  };
  static override flags = {
    'plain-http': Flags.boolean({ description: 'Allow connections using plain HTTP' }),
    'skip-verify': Flags.boolean({ char: 'k', description: 'Skip SSL certificate validation' }),
    user: Flags.string({ char: 'u', description: 'User[:password] Registry user and password' }),
    'hosts-dir': Flags.string({ description: 'Custom hosts configuration directory' }),
    platform: Flags.string({ description: 'Pull content from a specific platform' }),
    snapshotter: Flags.string({ description: 'Snapshotter name', env: 'CONTAINERD_SNAPSHOTTER' }),
  };

  async run(): Promise<void> {
    const started = process.hrtime.bigint();
    const { args, flags } = await this.parse(ImagesPull);
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const { pullImage } = require('@berth/core/dist/services/pull') as typeof import('@berth/core/dist/services/pull');
    const cfg = loadConfig(flags.config);
    const out = (s: string): void => { process.stdout.write(`${s}\n`); };
    await pullImage({
      root: flags.root ?? cfg.root,
      namespace: flags.namespace,
      ref: args.ref,
      platform: flags.platform,
      plainHttp: flags['plain-http'],
      skipVerify: flags['skip-verify'],
      user: flags.user,
      hostsDir: flags['hosts-dir'] ?? cfg.registryConfigPath,
      snapshotter: flags.snapshotter ?? cfg.snapshotter,
      maxConcurrentDownloads: cfg.maxConcurrentDownloads,
      onProgress: (p) => {
        switch (p.kind) {
          case 'resolved': out(`${p.ref}: resolved`); break;
          case 'done': case 'exists': out(`${p.ref}: done`); break;
          case 'unpacking': out(`unpacking ${p.platform} ${p.digest}...`); break;
          default: break;
        }
      },
    });
    out(`done: ${goDuration(Number(process.hrtime.bigint() - started) / 1e6)}`);
  }
}
