import { CtrCommand } from '../../base';

export default class ConfigDefault extends CtrCommand {
  static override summary = 'See the output of the default config';
  static override description = 'Prints berth\'s default configuration in containerd\'s config.toml shape (containerd has it as `containerd config default`).';

  async run(): Promise<void> {
    await this.parse(ConfigDefault);
    const { defaultConfigToml } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    process.stdout.write(defaultConfigToml());
  }
}
