import { Flags } from '@oclif/core';
import { RuncCommandBase } from '../base';

export default class Spec extends RuncCommandBase {
  static override summary = 'create a new specification file';
  static override description = 'The spec command creates the new specification file named "config.json" for the bundle, with runc\'s defaults (edit it before create/run).';
  // `spec --rootless` is a switch, unlike the global `--rootless <value>`: it replaces it here.
  static override baseFlags = { ...RuncCommandBase.baseFlags, rootless: Flags.boolean({ description: 'generate a configuration for a rootless container' }) };
  static override flags = {
    bundle: Flags.string({ char: 'b', description: 'path to the root of the bundle directory' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Spec);
    this.globals(flags);
    const { writeSpec } = require('@berth/core/dist/oci/default-spec') as typeof import('@berth/core/dist/oci/default-spec');
    writeSpec(flags.bundle ?? '.', { rootless: flags.rootless });
  }
}
