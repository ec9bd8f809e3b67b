import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';

/** Go's json.MarshalIndent(v, "", "    ") escapes <, > and & (HTML-safe strings). */
function goJson(v: unknown): string {
  return JSON.stringify(v, null, 4).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export default class ContainersInfo extends CtrCommand {
  static override summary = 'Get info about a container';
  static override aliases = ['c:info', 'container:info'];
  static override usage = 'containers info [flags] <id>';
  static override args = { id: Args.string({ description: 'container id' }) };
  static override flags = {
    spec: Flags.boolean({ description: 'Only display the spec' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ContainersInfo);
    if (!args.id) throw new Error('container id must be provided');
    const { containerInfo } = require('@berth/core/dist/services/containers') as typeof import('@berth/core/dist/services/containers');
    const info = containerInfo(this.storeRoot(flags), flags.namespace, args.id);
    process.stdout.write(`${goJson(flags.spec ? info.Spec : info)}\n`);
  }
}
