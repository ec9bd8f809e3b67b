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
    } else if (process.stdout.isTTY) {
      // On a terminal: a boxed table (cli-table3) whose DETAIL column wraps to the terminal's
      // width, the status coloured; through a pipe, the plain aligned columns below.
      const Table = require('cli-table3') as typeof import('cli-table3');
      const colour = { ok: '\x1b[32m', warn: '\x1b[33m', fail: '\x1b[31m' } as const;
      const width = Math.max(60, process.stdout.columns ?? 100);
      const nameWidth = Math.max(7, ...report.checks.map((c) => c.name.length)) + 2;
      const detailWidth = width - nameWidth - 8 - 4;
      const table = new Table({ head: ['CHECK', 'STATUS', 'DETAIL'], colWidths: [nameWidth, 8, detailWidth], style: { head: [] } });
      for (const c of report.checks) {
        const detail = wrap(c.fix ? `${c.detail}\nfix: ${c.fix}` : c.detail, detailWidth - 2);
        table.push([c.name, `${colour[c.status]}${c.status}\x1b[0m`, detail]);
      }
      process.stdout.write(`${table.toString()}\n`);
    } else {
      const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
      const rows = report.checks.map((c) => [c.name, c.status, c.fix ? `${c.detail} (fix: ${c.fix})` : c.detail]);
      process.stdout.write(tabwrite([['CHECK', 'STATUS', 'DETAIL'], ...rows], { minwidth: 1, padding: 2 }));
    }
    if (!report.ok) process.exitCode = 1;
  }
}

/** Greedy word wrap to `width` columns; a word longer than a line (a path) is cut across lines. */
function wrap(text: string, width: number): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (let word of para.split(' ')) {
      while (word.length > width) {
        if (line) { out.push(line); line = ''; }
        out.push(word.slice(0, width));
        word = word.slice(width);
      }
      if (line && line.length + 1 + word.length > width) { out.push(line); line = word; } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out.join('\n');
}
