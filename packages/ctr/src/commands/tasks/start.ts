import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { consoleSize, exitAfterFlush, foreground, IO_FLAGS, stateDir, taskIo } from './common';

export default class TasksStart extends CtrCommand {
  static override summary = 'Start a container that has been created';
  static override description = 'Starts the container\'s task under a new shim. In the foreground, relays its stdio and exits with its exit status.';
  static override aliases = ['t:start', 'task:start'];
  static override args = { container: Args.string({ description: 'CONTAINER', required: true }) };
  static override flags = {
    ...IO_FLAGS,
    detach: Flags.boolean({ char: 'd', description: 'Detach from the task after it has started execution' }),
    tty: Flags.boolean({ char: 't', description: 'Allocate a TTY for the container (berth: also taken from the container spec)' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TasksStart);
    const tasks = require('@berth/core/dist/services/tasks') as typeof import('@berth/core/dist/services/tasks');
    const state = stateDir(flags);
    const io = taskIo(flags);
    const terminal = flags.tty || specTerminal(this.storeRoot(flags), flags.namespace, args.container);
    const started = await tasks.startContainerTask({
      root: this.storeRoot(flags), state, namespace: flags.namespace, id: args.container, io, terminal,
      consoleSize: terminal ? consoleSize() : undefined, pidFile: flags['pid-file'], attach: !flags.detach,
    });
    if (flags.detach) {
      started.io?.close();
      return;
    }
    const status = await foreground(state, flags.namespace, args.container, started, terminal);
    // As ctr: the finished task is deleted (the container can be started again).
    tasks.deleteTask(state, flags.namespace, args.container, true);
    await exitAfterFlush(status);
  }
}

function specTerminal(root: string, ns: string, id: string): boolean {
  const { containerInfo } = require('@berth/core/dist/services/containers') as typeof import('@berth/core/dist/services/containers');
  const spec = containerInfo(root, ns, id).Spec as { process?: { terminal?: boolean } } | null;
  return spec?.process?.terminal === true;
}
