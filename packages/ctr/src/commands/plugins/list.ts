import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { listFormatFlag, printListJson } from '../../list-format';

export default class PluginsList extends CtrCommand {
  static override summary = 'Lists containerd plugins';
  static override aliases = ['plugins:ls', 'plugin:ls', 'plugin:list'];
  static override flags = {
    quiet: Flags.boolean({ char: 'q', description: 'Print only the plugin ids' }),
    detailed: Flags.boolean({ char: 'd', description: 'Print detailed information about each plugin' }),
    format: listFormatFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(PluginsList);
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const cfg = loadConfig(flags.config);
    const { listPlugins } = require('@berth/core/dist/services/plugins') as typeof import('@berth/core/dist/services/plugins');
    const plugins = listPlugins(flags.root ?? cfg.root, flags.state ?? cfg.state);
    if (flags.quiet) {
      process.stdout.write(plugins.map((p) => `${p.id}\n`).join(''));
      return;
    }
    if (printListJson(flags.format, plugins)) return;
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    // ctr's tabwriter: minwidth 4, padding 4; Println puts a space between "Key:\t" and the value.
    const opts = { minwidth: 4, padding: 4 };
    if (flags.detailed) {
      const rows: string[][] = [];
      plugins.forEach((p, i) => {
        if (i > 0) rows.push(['', '', '', '']);
        rows.push(['Type:', ` ${p.type}`], ['ID:', ` ${p.id}`]);
        if (p.requires.length > 0) rows.push(['Requires:', ''], ...p.requires.map((r) => ['', ` ${r}`]));
        if (p.platforms.length > 0) rows.push(['Platforms:', ` ${[...new Set(p.platforms)].sort().join(',')}`]);
        const exp = Object.entries(p.exports);
        if (exp.length > 0) rows.push(['Exports:', ''], ...exp.map(([k, v]) => ['', ` ${k} `, ` ${v}`]));
        if (p.capabilities.length > 0) rows.push(['Capabilities:', ` ${p.capabilities.join(',')}`]);
        if (p.error !== undefined) rows.push(['Error:', ''], ['', ' Code:', ' Unknown'], ['', ' Message:', ` ${p.error}`]);
      });
      process.stdout.write(tabwrite(rows, opts));
      return;
    }
    const rows = plugins.map((p) => [p.type, p.id, p.platforms.length > 0 ? [...new Set(p.platforms)].sort().join(',') : '-', p.status]);
    process.stdout.write(tabwrite([['TYPE', 'ID', 'PLATFORMS', 'STATUS'], ...rows], { ...opts, padLast: true }));
  }
}
