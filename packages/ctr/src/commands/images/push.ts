import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { Progress } from '../../progress';
import { registryAccess, registryFlags } from '../../registry-flags';

export default class ImagesPush extends CtrCommand {
  static override summary = 'Push an image to a remote';
  static override description = 'Pushes an image reference from the content store: every blob the manifest references, then the manifests.';
  static override aliases = ['i:push', 'image:push'];
  static override usage = 'images push [flags] <remote> [<local>]';
  // ignoreStdin: oclif would otherwise read a missing argument from stdin, where --user's password comes.
  static override args = {
    remote: Args.string({ description: 'remote image reference', ignoreStdin: true }),
    local: Args.string({ description: 'local image name (the remote reference when omitted)', ignoreStdin: true }),
  };
  static override flags = {
    ...registryFlags,
    manifest: Flags.string({ description: 'Digest of manifest' }),
    'manifest-type': Flags.string({ description: 'Media type of manifest digest', default: 'application/vnd.oci.image.manifest.v1+json' }),
    platform: Flags.string({ description: 'Push content from a specific platform', multiple: true, multipleNonGreedy: true }),
    'max-concurrent-uploaded-layers': Flags.integer({ description: 'Set the max concurrent uploaded layers for each push', min: 1 }),
    'allow-non-distributable-blobs': Flags.boolean({ description: 'Allow pushing blobs that are marked as non-distributable' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ImagesPush);
    // A plain Error: CtrCommand.catch prints it as `ctr: <message>`, exit 1.
    if (!args.remote) throw new Error('please provide a remote image reference to push');
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const { pushImage } = require('@berth/core/dist/services/push') as typeof import('@berth/core/dist/services/push');
    const cfg = loadConfig(flags.config);
    const access = await registryAccess(flags, cfg.registryConfigPath);
    const progress = new Progress();
    try {
      await pushImage({
        root: flags.root ?? cfg.root,
        namespace: flags.namespace,
        remote: args.remote,
        local: args.local,
        manifest: flags.manifest,
        manifestType: flags['manifest-type'],
        platforms: flags.platform,
        allowNonDistributable: flags['allow-non-distributable-blobs'],
        maxConcurrentUploads: flags['max-concurrent-uploaded-layers'],
        ...access,
        onProgress: (p) => {
          if (p.kind === 'resolved') return;
          progress.set(p.ref, p.kind === 'started' ? 'waiting' : p.kind, { digest: p.digest, size: p.size });
        },
      });
    } finally {
      progress.stop();
    }
  }
}
