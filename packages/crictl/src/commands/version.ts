import { CrictlCommand } from '../base';
import { crictlSettings } from '../settings';

export default class Version extends CrictlCommand {
  static override summary = 'Display runtime version information';

  async run(): Promise<void> {
    const { flags } = await this.parse(Version);
    crictlSettings(flags, this.argv);
    const { runtimeVersion } = require('@berth/core/dist/cri/runtime-status') as typeof import('@berth/core/dist/cri/runtime-status');
    const v = runtimeVersion((require('../../package.json') as { version: string }).version);
    // crictl prints with fmt.Println("Version: ", v): two spaces.
    process.stdout.write(`Version:  ${v.version}\nRuntimeName:  ${v.runtimeName}\nRuntimeVersion:  ${v.runtimeVersion}\nRuntimeApiVersion:  ${v.runtimeApiVersion}\n`);
  }
}
