import { Args, Flags } from '@oclif/core';
import { CrictlCommand, baseFlagsFreeing } from '../base';

export default class Runp extends CrictlCommand {
  static override summary = 'Run a new pod';
  static override usage = 'runp [flags] pod-config.[json|yaml]';
  // runp's own -r is the runtime handler, as in crictl; the endpoint keeps its long form here.
  static override baseFlags = baseFlagsFreeing('r');
  static override args = {
    config: Args.string({ description: 'pod-config.[json|yaml]', required: true }),
  };
  static override flags = {
    runtime: Flags.string({ char: 'r', description: 'Runtime handler to use. Available options are defined by the container runtime.' }),
    'cancel-timeout': Flags.string({ char: 'T', description: 'Seconds to wait for a run pod sandbox request to complete before cancelling the request (berth: a Go duration; it gives up the network set-up, and the pod is undone)' }),
    'cni-conf-dir': Flags.string({ description: 'berth: CNI network config directory (default: the config.toml\'s cni conf_dir)', env: 'BERTH_CNI_CONF_DIR' }),
    'cni-bin-dir': Flags.string({ description: 'berth: CNI plugin directories, colon-separated (default: the config.toml\'s cni bin_dir)', env: 'BERTH_CNI_BIN_DIR' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Runp);
    const { runPod } = require('../lifecycle-flows') as typeof import('../lifecycle-flows');
    await runPod(this.store(flags), {
      configFile: args.config, runtime: flags.runtime, cniConfDir: flags['cni-conf-dir'], cniBinDir: flags['cni-bin-dir'], berthConfig: flags['berth-config'],
      cancelTimeout: flags['cancel-timeout'],
    }, (m) => this.fail(m));
  }
}
