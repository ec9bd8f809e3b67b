import { Flags } from '@oclif/core';
import { CrictlCommand, baseFlagsFreeing } from '../base';
import { labelFilter, matchesPattern } from '../list-filters';
import { printStructured, table, truncateId, type Json } from '../output';
import { humanDuration } from './pods';

const STATES: Record<string, string> = { created: 'CONTAINER_CREATED', running: 'CONTAINER_RUNNING', exited: 'CONTAINER_EXITED', unknown: 'CONTAINER_UNKNOWN' };
const STATE_TEXT: Record<string, string> = { CONTAINER_CREATED: 'Created', CONTAINER_RUNNING: 'Running', CONTAINER_EXITED: 'Exited', CONTAINER_UNKNOWN: 'Unknown' };

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
    const { listContainerViews } = require('@berth/core/dist/cri/containers') as typeof import('@berth/core/dist/cri/containers');
    const { criContainer } = require('@berth/core/dist/cri/container-json') as typeof import('@berth/core/dist/cri/container-json');
    const labels = labelFilter(flags.label, (m) => this.fail(m));
    let state: string | undefined;
    if (flags.state !== undefined && flags.state !== '') {
      state = STATES[flags.state.toLowerCase()];
      if (!state) this.fail('--state should be one of created, running, exited or unknown');
    } else if (!flags.all) {
      // crictl's default: running containers only.
      state = 'CONTAINER_RUNNING';
    }
    // crictl drops the state filter, given or default, for -l and -n N (N > 0).
    if (flags.latest || (flags.last ?? 0) > 0) state = undefined;
    if (flags.output !== 'table' && flags.output !== 'json' && flags.output !== 'yaml') this.fail(`listing containers: unsupported output format ${JSON.stringify(flags.output)}`);
    const { idFilter } = require('@berth/core/dist/cri/id-filter') as typeof import('@berth/core/dist/cri/id-filter');
    const dirs = this.store(flags);
    let list = listContainerViews(dirs);
    const byId = idFilter(list.map((c) => c.id), flags.id);
    const { sandboxIds } = require('@berth/core/dist/cri/sandbox') as typeof import('@berth/core/dist/cri/sandbox');
    const byPod = idFilter(flags.pod ? sandboxIds(dirs.root) : [], flags.pod);
    // --image as crictl's matchesImage: the filter and each container's image resolved to image ids
    // (a name, a short name, an id or its prefix); a filter naming no image matches nothing.
    const imageId = flags.image ? resolveImageId(dirs.root, flags.image) : undefined;
    list = list.filter((c) => byId(c.id) && byPod(c.sandboxId)
      && (!state || c.state === state) && Object.entries(labels).every(([k, v]) => c.config.labels[k] === v)
      && matchesPattern(flags.name, c.config.metadata.name)
      && (!flags.image || c.imageRef === imageId));
    list.sort((a, b) => (BigInt(b.status.createdAt) > BigInt(a.status.createdAt) ? 1 : BigInt(b.status.createdAt) < BigInt(a.status.createdAt) ? -1 : 0));
    let n = list.length;
    if (flags.latest) n = 1;
    if (flags.last !== undefined && flags.last > 0) n = flags.last;
    list = list.slice(0, n);
    if (printStructured(flags.output, { containers: list.map((c) => criContainer(c) as Json) })) return;

    const rows: string[][] = [];
    if (!flags.verbose && !flags.quiet) rows.push(['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD', 'NAMESPACE']);
    let out = '';
    const now = Date.now();
    for (const c of list) {
      if (flags.quiet) {
        out += `${c.id}\n`;
        continue;
      }
      const m = c.config.metadata;
      // The pod's name and namespace are the kubelet's labels on the container (crictl's "unknown" without them).
      const podName = c.config.labels['io.kubernetes.pod.name'] ?? 'unknown';
      const podNamespace = c.config.labels['io.kubernetes.pod.namespace'] ?? 'unknown';
      const created = Number(BigInt(c.status.createdAt) / 1_000_000n);
      if (flags.verbose) {
        out += `ID: ${c.id}\nPodID: ${c.sandboxId}\nNamespace: ${podNamespace}\n`;
        if (m.name) out += `Name: ${m.name}\n`;
        out += `Attempt: ${m.attempt}\nState: ${STATE_TEXT[c.state] ?? c.state}\nImage: ${c.config.image.image}\nCreated: ${humanDuration(now - created)} ago\n`;
        for (const [title, map] of [['Labels', c.config.labels], ['Annotations', c.config.annotations]] as const) {
          if (Object.keys(map).length === 0) continue;
          out += `${title}:\n`;
          for (const k of Object.keys(map).sort()) out += `\t${k} -> ${map[k]}\n`;
        }
        out += '\n';
        continue;
      }
      // -r: the image's name (its first reference) where the config named it by id.
      let image = flags['resolve-image-path'] && c.imageName !== '' ? c.imageName : c.config.image.image;
      const trunc = !flags['no-trunc'];
      // kubelet sends image ids: crictl shortens a digest as it does ids.
      if (trunc && /^sha256:[a-f0-9]{64}$/.test(image)) image = truncateId(image, 'sha256:');
      rows.push([
        trunc ? truncateId(c.id) : c.id, image, `${humanDuration(now - created)} ago`, STATE_TEXT[c.state] ?? c.state, m.name, String(m.attempt),
        trunc ? truncateId(c.sandboxId) : c.sandboxId, podName, podNamespace,
      ]);
    }
    process.stdout.write(out + table(rows));
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
