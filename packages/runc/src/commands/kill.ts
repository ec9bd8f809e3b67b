import { Args, Flags } from '@oclif/core';
import { RuncCommand } from '../base';

export default class Kill extends RuncCommand {
  static override summary = 'kill sends the specified signal (default: SIGTERM) to the container\'s init process';
  static override usage = 'kill [command options] <container-id> [signal]';
  static override args = {
    id: Args.string({ description: 'container id', required: true }),
    // ignoreStdin: oclif would otherwise read a missing optional argument from a piped stdin.
    signal: Args.string({ description: 'signal name (KILL, SIGKILL) or number', default: 'SIGTERM', ignoreStdin: true }),
  };
  static override flags = {
    all: Flags.boolean({ char: 'a', description: 'send the specified signal to all processes inside the container' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Kill);
    const { root } = this.globals(flags);
    const { killContainer } = require('@berth/core/dist/runtime/lifecycle') as typeof import('@berth/core/dist/runtime/lifecycle');
    killContainer(root, args.id, args.signal, flags.all);
  }
}
