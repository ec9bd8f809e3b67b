import { Flags } from '@oclif/core';
import { CtrCommand } from '../base';

/** berth's own (containerd's ctr has none): does this machine have what berth needs? */
export default class Doctor extends CtrCommand {
  static override summary = 'berth: check the kernel features and host tools berth needs';
  static override description = `berth's own command (containerd's ctr has none). Checks Node.js and the native modules, the root and state directories, cgroups (version, controllers, delegation), pivot_root, overlayfs, user namespaces, seccomp, CNI plugins and iptables, and says what to install or change when one is missing. Exits 1 when a required check fails; a warning marks an optional feature some commands need.`;
  static override flags = {
    output: Flags.string({ char: 'o', description: 'output format', options: ['table', 'json'], default: 'table' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Doctor);
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const { runDoctor } = require('@berth/core/dist/doctor') as typeof import('@berth/core/dist/doctor');
    const cfg = loadConfig(flags.config);
    const report = runDoctor({ root: flags.root ?? cfg.root, state: flags.state ?? cfg.state, cniBinDir: cfg.cniBinDir });
    if (flags.output === 'json') {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
      const rows = report.checks.map((c) => [c.name, c.status, c.fix ? `${c.detail} (fix: ${c.fix})` : c.detail]);
      process.stdout.write(tabwrite([['CHECK', 'STATUS', 'DETAIL'], ...rows], { minwidth: 1, padding: 2 }));
    }
    if (!report.ok) process.exitCode = 1;
  }
}
