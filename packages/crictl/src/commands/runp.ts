import { Args, Flags } from '@oclif/core';
import { CrictlCommand } from '../base';

export default class Runp extends CrictlCommand {
  static override summary = 'Run a new pod';
  static override usage = 'runp [flags] pod-config.[json|yaml]';
  // runp's own -r is the runtime handler, as in crictl; the endpoint keeps its long form here.
  static override baseFlags = {
    ...CrictlCommand.baseFlags,
    'runtime-endpoint': Flags.string({ description: 'Endpoint of CRI container runtime service (berth: no daemon, accepted and ignored)', env: 'CONTAINER_RUNTIME_ENDPOINT', helpGroup: 'GLOBAL' }),
  };
  static override args = {
    config: Args.string({ description: 'pod-config.[json|yaml]', required: true }),
  };
  static override flags = {
    runtime: Flags.string({ char: 'r', description: 'Runtime handler to use. Available options are defined by the container runtime.' }),
    'cancel-timeout': Flags.string({ char: 'T', description: 'Seconds to wait for a run pod sandbox request to complete before cancelling the request' }),
    'cni-conf-dir': Flags.string({ description: 'berth: CNI network config directory (default: the config.toml\'s cni conf_dir)', env: 'BERTH_CNI_CONF_DIR' }),
    'cni-bin-dir': Flags.string({ description: 'berth: CNI plugin directories, colon-separated (default: the config.toml\'s cni bin_dir)', env: 'BERTH_CNI_BIN_DIR' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Runp);
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const { cniIpamDataDir } = require('@berth/core/dist/layout') as typeof import('@berth/core/dist/layout');
    const { openMetadata } = require('@berth/core/dist/metadata/store') as typeof import('@berth/core/dist/metadata/store');
    const cri = require('@berth/core/dist/cri/sandbox') as typeof import('@berth/core/dist/cri/sandbox');
    const { loadPodSandboxConfig } = require('@berth/core/dist/cri/pod-config') as typeof import('@berth/core/dist/cri/pod-config');
    const cfg = loadConfig(flags['berth-config']);
    const dirs = this.store(flags);
    let config;
    try {
      config = loadPodSandboxConfig(args.config);
    } catch (err) {
      this.fail(`load podSandboxConfig: ${(err as Error).message}`);
    }
    const store = openMetadata(dirs.root);
    try {
      const id = cri.runPodSandbox(store, {
        ...dirs, config, runtimeHandler: flags.runtime,
        cniConfDir: flags['cni-conf-dir'] ?? cfg.cniConfDir,
        cniBinDirs: (flags['cni-bin-dir'] ?? cfg.cniBinDir).split(':').filter(Boolean),
        ipamDataDir: cniIpamDataDir(dirs.state),
      });
      process.stdout.write(`${id}\n`);
    } catch (err) {
      this.fail(`run pod sandbox: ${(err as Error).message}`);
    } finally {
      store.close();
    }
  }
}
