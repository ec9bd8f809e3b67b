import { Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { statusInfoDoc, type Json } from '../output';
import { crictlSettings } from '../settings';

export default class Info extends CrictlCommand {
  static override summary = 'Display information of the container runtime';
  static override flags = {
    output: Flags.string({ char: 'o', description: 'Output format, One of: json|yaml|go-template', default: 'json' }),
    quiet: Flags.boolean({ char: 'q', description: 'Do not show verbose information' }),
    template: Flags.string({ description: 'The template string is only used when output is go-template; The Template format is golang template' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Info);
    crictlSettings(flags, this.argv);
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const { runtimeStatus } = require('@berth/core/dist/cri/runtime-status') as typeof import('@berth/core/dist/cri/runtime-status');
    const cfg = loadConfig(flags['berth-config']);
    const store = this.store(flags);
    // The CNI settings arrive in config.toml with the pod sandboxes; their defaults until then.
    const cni = cfg as { cniConfDir?: string; cniBinDir?: string };
    const st = runtimeStatus({
      root: store.root,
      state: store.state,
      snapshotter: cfg.snapshotter,
      cniConfDir: cni.cniConfDir ?? '/etc/cni/net.d',
      cniBinDir: cni.cniBinDir ?? '/usr/lib/cni',
      registryConfigPath: cfg.registryConfigPath,
      maxConcurrentDownloads: cfg.maxConcurrentDownloads,
    });
    const status: Json = { conditions: st.conditions.map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message })) };
    // containerd 1.7 sends no runtime handlers: crictl prints json.Marshal(nil), `null`.
    this.printStatus(undefined, flags.output, statusInfoDoc(status, flags.quiet ? undefined : st.info, null), flags.template);
  }
}
