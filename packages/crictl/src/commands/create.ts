import { Args, Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { crictlSettings } from '../settings';

export default class Create extends CrictlCommand {
  static override summary = 'Create a new container';
  static override usage = 'create [flags] POD container-config.[json|yaml] pod-config.[json|yaml]';
  static override description = `berth: the container's task is made at start, as containerd makes it, but its shim is
spawned now and waits, parked, with the container's init stage already started, so that
start is quick; until the start a created container has these two waiting processes, which
rm (or rmp) ends.`;
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
    'cancel-timeout': Flags.string({ char: 'T', description: 'Seconds to wait for a container create request to complete before cancelling the request (berth: accepted, not acted on)' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Create);
    const settings = crictlSettings(flags, this.argv);
    const { createContainer } = require('../lifecycle-flows') as typeof import('../lifecycle-flows');
    await createContainer(this.store(flags), {
      pod: args.pod, containerConfig: args.containerConfig, podConfig: args.podConfig,
      pull: flags['with-pull'] || (settings.pullImageOnCreate && !flags['no-pull']),
      creds: flags.creds, auth: flags.auth, berthConfig: flags['berth-config'],
    }, (m) => this.fail(m));
  }
}
