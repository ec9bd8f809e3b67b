import { Args, Flags } from '@oclif/core';
import { RuncCommand } from '../base';
import { listenFds } from '../fds';

/** Flags shared by create and run, as runc defines them. */
export const createFlags = {
  bundle: Flags.string({ char: 'b', description: 'path to the root of the bundle directory, defaults to the current directory', default: '.' }),
  'console-socket': Flags.string({ description: 'path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console\'s pseudoterminal' }),
  'pid-file': Flags.string({ description: 'specify the file to write the process id to' }),
  'no-pivot': Flags.boolean({ description: 'do not use pivot root to jail process inside rootfs.  This should be used whenever the rootfs is on top of a ramdisk' }),
  'no-new-keyring': Flags.boolean({ description: 'do not create a new session keyring for the container.  This will cause the container to inherit the calling processes session key' }),
  'preserve-fds': Flags.integer({ description: 'Pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)', default: 0, min: 0 }),
};

export default class Create extends RuncCommand {
  static override summary = 'create a container';
  static override description = 'The create command creates an instance of a container for a bundle. The bundle is a directory with a specification file named "config.json" and a root filesystem.';
  static override usage = 'create [command options] <container-id>';
  static override args = { id: Args.string({ description: 'container id', required: true }) };
  static override flags = createFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Create);
    const { root } = this.globals(flags);
    const { createContainer } = require('@berth/core/dist/runtime/create') as typeof import('@berth/core/dist/runtime/create');
    const { child } = await createContainer({
      root, id: args.id, bundle: flags.bundle, pidFile: flags['pid-file'], consoleSocket: flags['console-socket'],
      noPivot: flags['no-pivot'], noNewKeyring: flags['no-new-keyring'], preserveFds: listenFds() + flags['preserve-fds'],
    });
    child.unref();
  }
}
