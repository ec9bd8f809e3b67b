import { Args, Flags } from '@oclif/core';
import { CrictlCommand, baseFlagsFreeing } from '../base';
import { crictlSettings } from '../settings';
import { rpcMessage } from '@berth/core/dist/cri/rpc-error';

export default class Run extends CrictlCommand {
  static override summary = 'Run a new container inside a sandbox';
  static override usage = 'run [flags] container-config.[json|yaml] pod-config.[json|yaml]';
  // run's own -r is the runtime handler, as in crictl; the endpoint keeps its long form here.
  static override baseFlags = baseFlagsFreeing('r');
  static override args = {
    containerConfig: Args.string({ description: 'container-config.[json|yaml]', required: true }),
    podConfig: Args.string({ description: 'pod-config.[json|yaml]', required: true }),
  };
  static override flags = {
    runtime: Flags.string({ char: 'r', description: 'Runtime handler to use. Available options are defined by the container runtime.' }),
    'no-pull': Flags.boolean({ description: 'Do not pull the image (overrides disable-pull-on-run=false in config)' }),
    'with-pull': Flags.boolean({ description: 'Pull the image (overrides disable-pull-on-run=true in config)' }),
    creds: Flags.string({ description: 'Use `USERNAME[:PASSWORD]` for accessing the registry', env: 'CRICTL_CREDS' }),
    auth: Flags.string({ description: 'Use `AUTH_STRING` for accessing the registry. AUTH_STRING is a base64 encoded \'USERNAME[:PASSWORD]\'', env: 'CRICTL_AUTH' }),
    'cancel-timeout': Flags.string({ char: 'T', description: 'Seconds to wait for a container create request to complete before cancelling the request (berth: a Go duration; it gives up the pod\'s network set-up, and the pod is undone)' }),
    'cni-conf-dir': Flags.string({ description: 'berth: CNI network config directory (default: the config.toml\'s cni conf_dir)', env: 'BERTH_CNI_CONF_DIR' }),
    'cni-bin-dir': Flags.string({ description: 'berth: CNI plugin directories, colon-separated (default: the config.toml\'s cni bin_dir)', env: 'BERTH_CNI_BIN_DIR' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Run);
    const settings = crictlSettings(flags, this.argv);
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const { cniIpamDataDir } = require('@berth/core/dist/layout') as typeof import('@berth/core/dist/layout');
    const { runInNewPod } = require('@berth/core/dist/cri/container-create') as typeof import('@berth/core/dist/cri/container-create');
    const cfg = loadConfig(flags['berth-config']);
    const dirs = this.store(flags);
    // crictl run pulls unless disable-pull-on-run (or --no-pull) says not to.
    const pull = flags['with-pull'] || (!settings.disablePullOnRun && !flags['no-pull']);
    const { cancelTimeout, cancellation } = require('../cancel') as typeof import('../cancel');
    const timeout = cancelTimeout(flags['cancel-timeout'], (m) => this.fail(m));
    try {
      const r = await runInNewPod({
        ...dirs, runtimeHandler: flags.runtime, containerConfigFile: args.containerConfig, podConfigFile: args.podConfig,
        cniConfDir: flags['cni-conf-dir'] ?? cfg.cniConfDir, installDefaultNetwork: flags['cni-conf-dir'] === undefined, cniBinDirs: (flags['cni-bin-dir'] ?? cfg.cniBinDir).split(':').filter(Boolean),
        ipamDataDir: cniIpamDataDir(dirs.state), snapshotter: cfg.snapshotter, podCancellation: () => cancellation(timeout),
        pull: pull ? { creds: flags.creds, auth: flags.auth, snapshotter: cfg.snapshotter, hostsDir: cfg.registryConfigPath } : undefined,
      });
      process.stdout.write(`${r.containerId}\n`);
    } catch (err) {
      this.fail(`running container: ${rpcMessage(err)}`);
    }
  }
}
