import { Args, Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { table } from '../output';
import { crictlSettings } from '../settings';

export default class Config extends CrictlCommand {
  static override summary = 'Get and set crictl client configuration options';
  static override description = `CRICTL OPTIONS:
  runtime-endpoint:      Container runtime endpoint (berth: accepted, no server is called)
  image-endpoint:        Image endpoint (berth: accepted, no server is called)
  timeout:               Timeout of connecting to server (default: 2s)
  debug:                 Enable debug output (default: false)
  pull-image-on-create:  Enable pulling image on create requests (default: false)
  disable-pull-on-run:   Disable pulling image on run requests (default: false)`;
  static override examples = ['<%= config.bin %> config --set debug=true', '<%= config.bin %> config --get runtime-endpoint', '<%= config.bin %> config timeout 10'];
  static override usage = 'config [flags] [<crictl option> <value>]';
  static override args = {
    key: Args.string({ description: 'option to set (the old form of --set)' }),
    value: Args.string({ description: 'its value' }),
  };
  static override flags = {
    get: Flags.string({ description: 'show the option value' }),
    set: Flags.string({ description: 'set option (can specify multiple or separate values with commas: opt1=val1,opt2=val2)', multiple: true }),
    list: Flags.boolean({ description: 'show all option value' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Config);
    crictlSettings(flags, this.argv);
    const cc = require('@berth/core/dist/cri/crictl-config') as typeof import('@berth/core/dist/cri/crictl-config');
    let settings: [string, string][] = [];
    if (flags.get === undefined && flags.set === undefined && !flags.list) {
      // `crictl config <key> <value>`: without a key, crictl shows the command's help.
      if (args.key === undefined) {
        const { Help } = require('@oclif/core') as typeof import('@oclif/core');
        await new Help(this.config).showHelp(['config']);
        return;
      }
      settings = [[args.key, args.value ?? '']];
    } else if (flags.get === undefined && flags.set !== undefined) {
      settings = cc.parseConfigSettings(flags.set);
    }
    // crictl writes the file (every option at its zero value) when it is missing, even to read it.
    const readOnly = flags.get !== undefined || (flags.set === undefined && flags.list);
    const c = readOnly ? cc.ensureCrictlConfig(flags.config) : cc.updateCrictlConfig(flags.config, settings);
    if (flags.get !== undefined) {
      process.stdout.write(`${cc.crictlConfigValue(c, flags.get)}\n`);
    } else if (readOnly) {
      const rows = [['KEY', 'VALUE'], ...cc.CRICTL_CONFIG_KEYS.map((k) => [k, cc.crictlConfigValue(c, k)])];
      // crictl clears the screen before its table.
      process.stdout.write(`\u001b[2J\u001b[H${table(rows)}`);
    }
  }
}
