import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { stateDir } from './common';

export default class TasksKill extends CtrCommand {
  static override summary = 'Signal a container (default: its image\'s stop signal, else SIGTERM)';
  static override aliases = ['t:kill', 'task:kill'];
  static override args = { container: Args.string({ description: 'CONTAINER', required: true }) };
  static override flags = {
    signal: Flags.string({ char: 's', description: 'Signal to send to the container' }),
    'exec-id': Flags.string({ description: 'Process ID to kill' }),
    all: Flags.boolean({ char: 'a', description: 'Send signal to all processes inside the container' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TasksKill);
    if (flags.all && flags['exec-id']) this.error('enter exec id or all with kill; not both', { exit: 1 });
    const { killTask } = require('@berth/core/dist/services/tasks') as typeof import('@berth/core/dist/services/tasks');
    // No -s (or -s ""): the container's stop signal (its image's StopSignal label), as ctr's GetStopSignal.
    let signal = flags.signal || undefined;
    if (signal === undefined) {
      const { containerStopSignal } = require('@berth/core/dist/services/containers') as typeof import('@berth/core/dist/services/containers');
      try {
        signal = containerStopSignal(this.storeRoot(flags), flags.namespace, args.container);
      } catch {
        signal = 'SIGTERM'; // no container record: killTask says what is missing
      }
    }
    const { parseCtrSignal } = require('@berth/core/dist/runtime/signals') as typeof import('@berth/core/dist/runtime/signals');
    killTask(stateDir(flags), flags.namespace, args.container, parseCtrSignal(signal), { all: flags.all, execId: flags['exec-id'] });
  }
}
