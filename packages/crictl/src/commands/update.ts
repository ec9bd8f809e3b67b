import { Args, Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { rpcMessage } from '@berth/core/dist/cri/rpc-error';

export default class Update extends CrictlCommand {
  static override summary = 'Update one or more running containers';
  static override usage = 'update [flags] CONTAINER-ID [CONTAINER-ID...]';
  static override strict = false;
  static override args = { id: Args.string({ description: 'CONTAINER-ID', required: true }) };
  static override flags = {
    'cpu-period': Flags.integer({ description: 'CPU CFS period to be used for hardcapping (in usecs). 0 to use system default', min: 0 }),
    'cpu-quota': Flags.integer({ description: 'CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period' }),
    'cpu-share': Flags.integer({ description: 'CPU shares (relative weight vs. other containers)', min: 0 }),
    'cpuset-cpus': Flags.string({ description: 'CPU(s) to use' }),
    'cpuset-mems': Flags.string({ description: 'Memory node(s) to use' }),
    memory: Flags.integer({ description: 'Memory limit (in bytes)', min: 0 }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Update);
    const { updateCriContainer } = require('@berth/core/dist/cri/container-run') as typeof import('@berth/core/dist/cri/container-run');
    const dirs = this.store(flags);
    for (const id of argv as string[]) {
      try {
        updateCriContainer(dirs, id, {
          cpuPeriod: flags['cpu-period'], cpuQuota: flags['cpu-quota'], cpuShares: flags['cpu-share'],
          cpusetCpus: flags['cpuset-cpus'], cpusetMems: flags['cpuset-mems'], memoryLimitInBytes: flags.memory,
        });
      } catch (err) {
        this.fail(`updating container resources for ${JSON.stringify(id)}: ${rpcMessage(err)}`);
      }
      process.stdout.write(`${id}\n`);
    }
  }
}
