import { Args, Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { crictlSettings } from '../settings';

export default class Create extends CrictlCommand {
  static override summary = 'Create a new container';
  static override usage = 'create [flags] POD container-config.[json|yaml] pod-config.[json|yaml]';
  static override args = {
    pod: Args.string({ description: 'POD', required: true }),
    containerConfig: Args.string({ description: 'container-config.[json|yaml]', required: true }),
    podConfig: Args.string({ description: 'pod-config.[json|yaml]', required: true }),
  };
  static override flags = {
    'no-pull': Flags.boolean({ description: 'Do not pull the image on container creation (overrides pull-image-on-create=true in config)' }),
    'with-pull': Flags.boolean({ description: 'Pull the image on container creation (overrides pull-image-on-create=false in config)' }),
    creds: Flags.string({ description: 'Use `USERNAME[:PASSWORD]` for accessing the registry', env: 'CRICTL_CREDS' }),
    auth: Flags.string({ description: 'Use `AUTH_STRING` for accessing the registry. AUTH_STRING is a base64 encoded \'USERNAME[:PASSWORD]\'', env: 'CRICTL_AUTH' }),
    'cancel-timeout': Flags.string({ char: 'T', description: 'Seconds to wait for a container create request to complete before cancelling the request' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Create);
    const settings = crictlSettings(flags, this.argv);
    const { createInPod } = require('@berth/core/dist/cri/container-create') as typeof import('@berth/core/dist/cri/container-create');
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const cfg = loadConfig(flags['berth-config']);
    const pull = flags['with-pull'] || (settings.pullImageOnCreate && !flags['no-pull']);
    try {
      const id = await createInPod({
        ...this.store(flags), podId: args.pod, containerConfigFile: args.containerConfig, podConfigFile: args.podConfig,
        pull: pull ? { creds: flags.creds, auth: flags.auth, snapshotter: cfg.snapshotter, hostsDir: cfg.registryConfigPath } : undefined,
        snapshotter: cfg.snapshotter,
      });
      process.stdout.write(`${id}\n`);
    } catch (err) {
      this.fail(`creating container: ${(err as Error).message}`);
    }
  }
}
