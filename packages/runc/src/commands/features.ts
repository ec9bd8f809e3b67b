import { RuncCommand } from '../base';

export default class Features extends RuncCommand {
  static override summary = 'show the enabled features';
  static override description = 'Show the enabled features. The result is parsable as a JSON. See the runtime-spec\'s features.md for the fields.';

  async run(): Promise<void> {
    const { flags } = await this.parse(Features);
    this.globals(flags);
    const { features } = require('@berth/core/dist/oci/features') as typeof import('@berth/core/dist/oci/features');
    process.stdout.write(`${JSON.stringify(features(), null, '    ')}\n`);
  }
}
