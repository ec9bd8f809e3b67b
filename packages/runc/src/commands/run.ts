import { Args, Flags } from '@oclif/core';
import { RuncCommand } from '../base';
import { createFlags } from './create';
import { listenFds } from '../fds';

export default class Run extends RuncCommand {
  static override summary = 'create and run a container';
  static override description = 'The run command creates an instance of a container for a bundle and starts it. In the foreground, runc exits with the container\'s exit status (128 + signal when killed) and forwards signals to it.';
  static override usage = 'run [command options] <container-id>';
  static override args = { id: Args.string({ description: 'container id', required: true }) };
  static override flags = {
    ...createFlags,
    detach: Flags.boolean({ char: 'd', description: 'detach from the container\'s process' }),
    keep: Flags.boolean({ description: 'do not delete the container after it exits' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Run);
    const { root } = this.globals(flags);
    if (flags.detach && flags.keep) this.fail('--detach and --keep cannot both be used');
    const { runContainer } = require('@berth/core/dist/runtime/run') as typeof import('@berth/core/dist/runtime/run');
    const code = await runContainer({
      root, id: args.id, bundle: flags.bundle, pidFile: flags['pid-file'], consoleSocket: flags['console-socket'],
      noPivot: flags['no-pivot'], noNewKeyring: flags['no-new-keyring'], preserveFds: listenFds() + flags['preserve-fds'],
      detach: flags.detach, keep: flags.keep,
    });
    process.exit(code);
  }
}
