import { Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { podsText, selectPods } from '../listings';
import { printStructured, type Json } from '../output';

export default class Pods extends CrictlCommand {
  static override summary = 'List pods';
  static override usage = 'pods [flags]';
  static override flags = {
    id: Flags.string({ description: 'filter by pod id' }),
    name: Flags.string({ description: 'filter by pod name regular expression pattern' }),
    namespace: Flags.string({ description: 'filter by pod namespace regular expression pattern' }),
    state: Flags.string({ char: 's', description: 'filter by pod state' }),
    label: Flags.string({ multiple: true, description: 'filter by key=value label' }),
    verbose: Flags.boolean({ char: 'v', description: 'show verbose info for pods' }),
    quiet: Flags.boolean({ char: 'q', description: 'list only pod IDs' }),
    output: Flags.string({ char: 'o', description: 'Output format, One of: json|yaml|table', default: 'table' }),
    latest: Flags.boolean({ char: 'l', description: 'Show the most recently created pod' }),
    last: Flags.integer({ char: 'n', description: 'Show last n recently created pods. Set 0 for unlimited' }),
    'no-trunc': Flags.boolean({ description: 'Show output without truncating the ID' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Pods);
    // --state here is crictl's pod-state filter, not berth's state directory (pods needs only --root).
    const pods = selectPods(() => this.store(flags), flags, (m) => this.fail(m));
    const { criPodSandbox } = require('@berth/core/dist/cri/cri-json') as typeof import('@berth/core/dist/cri/cri-json');
    if (printStructured(flags.output, { items: pods.map((p) => criPodSandbox(p) as Json) })) return;
    process.stdout.write(podsText(pods, flags));
  }
}
