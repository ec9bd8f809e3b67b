import { Flags } from '@oclif/core';
import { CrictlCommand, baseFlagsFreeing } from '../base';
import { containersText, selectContainers } from '../listings';
import { printStructured, type Json } from '../output';

export default class Ps extends CrictlCommand {
  static override summary = 'List containers';
  static override usage = 'ps [flags]';
  static override baseFlags = baseFlagsFreeing('r');
  static override flags = {
    verbose: Flags.boolean({ char: 'v', description: 'Show verbose information for containers' }),
    id: Flags.string({ description: 'Filter by container id' }),
    name: Flags.string({ description: 'filter by container name regular expression pattern' }),
    pod: Flags.string({ char: 'p', description: 'Filter by pod id' }),
    image: Flags.string({ description: 'Filter by container image' }),
    state: Flags.string({ char: 's', description: 'Filter by container state' }),
    label: Flags.string({ multiple: true, description: 'Filter by key=value label' }),
    quiet: Flags.boolean({ char: 'q', description: 'Only display container IDs' }),
    output: Flags.string({ char: 'o', description: 'Output format, One of: json|yaml|table', default: 'table' }),
    all: Flags.boolean({ char: 'a', description: 'Show all containers' }),
    latest: Flags.boolean({ char: 'l', description: 'Show the most recently created container (includes all states)' }),
    last: Flags.integer({ char: 'n', description: 'Show last n recently created containers (includes all states). Set 0 for unlimited.' }),
    'no-trunc': Flags.boolean({ description: 'Show output without truncating the ID' }),
    'resolve-image-path': Flags.boolean({ char: 'r', description: 'Show image path instead of image id' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Ps);
    const store = (): { root: string; state: string } => this.store(flags);
    const list = selectContainers(store, flags, (m) => this.fail(m), (image) => resolveImageId(store().root, image));
    const { criContainer } = require('@berth/core/dist/cri/container-json') as typeof import('@berth/core/dist/cri/container-json');
    if (printStructured(flags.output, { containers: list.map((c) => criContainer(c) as Json) })) return;
    process.stdout.write(containersText(list, flags));
  }
}

function resolveImageId(root: string, image: string): string | undefined {
  const { criImageStatus } = require('@berth/core/dist/cri/images') as typeof import('@berth/core/dist/cri/images');
  try {
    return criImageStatus(root, image)?.id;
  } catch {
    return undefined; // an ambiguous id prefix names no one image
  }
}
