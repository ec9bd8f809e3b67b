import { Args, Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { rpcMessage } from '@berth/core/dist/cri/rpc-error';

export default class Stop extends CrictlCommand {
  static override summary = 'Stop one or more running containers';
  static override usage = 'stop [flags] CONTAINER-ID [CONTAINER-ID...]';
  static override strict = false;
  // stop's own -t/--timeout is the grace period, as in crictl (it shadows the global one); zero or
  // less kills at once, as containerd's StopContainer.
  static override baseFlags = CrictlCommand.baseFlags;
  static override args = { id: Args.string({ description: 'CONTAINER-ID', required: true }) };
  static override flags = {
    timeout: Flags.integer({ char: 't', description: 'Seconds to wait to kill the container after a graceful stop is requested', default: 0 }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Stop);
    const { stopCriContainer } = require('@berth/core/dist/cri/container-run') as typeof import('@berth/core/dist/cri/container-run');
    const dirs = this.store(flags);
    for (const id of argv as string[]) {
      try {
        stopCriContainer(dirs, id, flags.timeout);
      } catch (err) {
        this.fail(`stopping the container ${JSON.stringify(id)}: ${rpcMessage(err)}`);
      }
      process.stdout.write(`${id}\n`);
    }
  }
}
