import { trace } from '@berth/core/dist/util/trace';
import { Flags } from '@oclif/core';
import { CtrCommand } from '../base';
import { splitCommandLine } from '@berth/core/dist/cli/argv';
import { CONTAINER_FLAGS, containerOptions, type ContainerFlagValues } from '../container-flags';
import { IO_FLAGS, stateDir, taskIo } from './tasks/common';

export default class Run extends CtrCommand {
  static override summary = 'Run a container';
  static override description = 'Creates the container from the image (or --rootfs directory) and starts its task under a new shim. In the foreground, relays stdio, forwards signals and exits with the container\'s exit status.';
  static override strict = false;
  static override commandLineAfter = 2;
  static override usage = 'run [flags] Image|RootFS ID [COMMAND] [ARG...]';
  static override flags = {
    ...CONTAINER_FLAGS,
    ...IO_FLAGS,
    rm: Flags.boolean({ description: 'Remove the container after running, cannot be used with --detach' }),
    detach: Flags.boolean({ char: 'd', description: 'Detach from the task after it has started execution, cannot be used with --rm' }),
  };

  async run(): Promise<void> {
    // Everything after <image> <id> is the container's command line, flags included.
    trace('run: begin');
    const { head, rest } = splitCommandLine(this.argv, { ...Run.baseFlags, ...Run.flags }, 2);
    const { argv, flags } = await this.parse(Run, head);
    const [ref, id] = argv as string[];
    trace('run: parsed');
    if (!ref) this.error('image ref must be provided', { exit: 1 });
    if (!id) this.error('container id must be provided', { exit: 1 });
    if (flags.rm && flags.detach) this.error('flags --detach and --rm cannot be specified together', { exit: 1 });
    const io = taskIo(flags);
    if (flags.tty && io.kind !== 'fifo') this.error('tty and null-io cannot be used together', { exit: 1 });
    // The config file's default snapshotter when --snapshotter is unset, as containers create.
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const container = containerOptions(flags as ContainerFlagValues, flags.snapshotter ? undefined : loadConfig(flags.config).snapshotter);
    const { runContainer } = require('./run-flow') as typeof import('./run-flow');
    await runContainer({
      root: this.storeRoot(flags), state: stateDir(flags), namespace: flags.namespace, ref, id, args: rest, io,
      tty: flags.tty, rm: flags.rm, detach: flags.detach, pidFile: flags['pid-file'], container,
    });
  }
}
