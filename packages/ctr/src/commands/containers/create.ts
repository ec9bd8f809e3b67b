import { CtrCommand } from '../../base';
import { splitCommandLine } from '@berth/core/dist/cli/argv';
import { CONTAINER_FLAGS, containerOptions, type ContainerFlagValues } from '../../container-flags';

export default class ContainersCreate extends CtrCommand {
  static override summary = 'Create container';
  static override aliases = ['c:create', 'container:create'];
  static override strict = false;
  static override commandLineAfter = 2;
  static override usage = 'containers create [flags] <image|rootfs> <id> [<command> [<args>...]]';
  static override flags = CONTAINER_FLAGS;

  async run(): Promise<void> {
    // Everything after <image> <id> is the container's command line, flags included.
    const { head, rest } = splitCommandLine(this.argv, { ...ContainersCreate.baseFlags, ...ContainersCreate.flags }, 2);
    const { argv, flags } = await this.parse(ContainersCreate, head);
    const [ref, id] = argv as string[];
    if (!ref) throw new Error('image ref must be provided');
    if (!id) throw new Error('container id must be provided');
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const o = containerOptions(flags as ContainerFlagValues, flags.snapshotter ? undefined : loadConfig(flags.config).snapshotter);
    const { createContainerFromImage } = require('@berth/core/dist/services/containers') as typeof import('@berth/core/dist/services/containers');
    await createContainerFromImage({
      root: this.storeRoot(flags), namespace: flags.namespace, id, ref, args: rest,
      snapshotter: o.snapshotter, rootfs: o.rootfs ? ref : undefined, labels: o.labels, specOptions: o.specOptions, runtime: o.runtime,
    });
  }
}
