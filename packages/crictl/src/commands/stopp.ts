import { Args } from '@oclif/core';
import { CrictlCommand } from '../base';

export default class Stopp extends CrictlCommand {
  static override summary = 'Stop one or more running pods';
  static override usage = 'stopp [flags] POD-ID [POD-ID...]';
  static override strict = false;
  static override args = { id: Args.string({ description: 'POD-ID', required: true }) };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Stopp);
    const { openMetadata } = require('@berth/core/dist/metadata/store') as typeof import('@berth/core/dist/metadata/store');
    const { stopPodSandbox } = require('@berth/core/dist/cri/sandbox') as typeof import('@berth/core/dist/cri/sandbox');
    const dirs = this.store(flags);
    const store = openMetadata(dirs.root);
    try {
      for (const id of argv as string[]) {
        try {
          stopPodSandbox(store, dirs, id);
        } catch (err) {
          this.fail(`stopping the pod sandbox ${JSON.stringify(id)}: ${(err as Error).message}`);
        }
        // crictl prints the id it was given, not the resolved one.
        process.stdout.write(`Stopped sandbox ${id}\n`);
      }
    } finally {
      store.close();
    }
  }
}
