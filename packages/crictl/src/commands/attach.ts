import { Args, Flags } from '@oclif/core';
import { CrictlCommand, baseFlagsFreeing } from '../base';
import { rpcMessage } from '@berth/core/dist/cri/rpc-error';

export default class Attach extends CrictlCommand {
  static override summary = 'Attach to a running container';
  static override usage = 'attach [flags] CONTAINER-ID';
  static override args = { id: Args.string({ description: 'CONTAINER-ID', required: true }) };
  // attach's own -i/-t, as in crictl; the endpoint and timeout keep their long forms.
  static override baseFlags = baseFlagsFreeing('i', 't');
  static override flags = {
    stdin: Flags.boolean({ char: 'i', description: 'Keep STDIN open' }),
    tty: Flags.boolean({ char: 't', description: 'Stdin is a TTY' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Attach);
    const { attachCriContainer } = require('@berth/core/dist/cri/container-run') as typeof import('@berth/core/dist/cri/container-run');
    (require('@berth/core/dist/cli/output-errors') as typeof import('@berth/core/dist/cli/output-errors')).exitOnBrokenPipe();
    try {
      await attachCriContainer(this.store(flags), args.id, { stdin: flags.stdin }, {
        stdout: (b) => process.stdout.write(b), stderr: (b) => process.stderr.write(b),
      }, flags.stdin ? process.stdin : undefined);
    } catch (err) {
      this.fail(`attaching running container failed: ${rpcMessage(err)}`);
    }
    process.exit(0);
  }
}
