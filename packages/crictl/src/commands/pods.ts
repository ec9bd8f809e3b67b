import { Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { labelFilter, matchesPattern } from '../list-filters';
import { printStructured, table, truncateId, type Json } from '../output';

/** docker/go-units HumanDuration, as crictl's CREATED column says it ("2 minutes"). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

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
    const { openMetadata } = require('@berth/core/dist/metadata/store') as typeof import('@berth/core/dist/metadata/store');
    const { listSandboxes } = require('@berth/core/dist/cri/sandbox') as typeof import('@berth/core/dist/cri/sandbox');
    const { criPodSandbox } = require('@berth/core/dist/cri/cri-json') as typeof import('@berth/core/dist/cri/cri-json');
    const labels = labelFilter(flags.label, (m) => this.fail(m));
    let state: string | undefined;
    if (flags.state !== undefined && flags.state !== '') {
      const s = flags.state.toLowerCase();
      if (s !== 'ready' && s !== 'notready') this.fail('--state should be ready or notready');
      state = s === 'ready' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY';
    }
    // --state here is crictl's pod-state filter, not berth's state directory (pods needs only --root).
    const dirs = this.store(flags);
    const store = openMetadata(dirs.root);
    let pods;
    try {
      pods = listSandboxes(store);
    } finally {
      store.close();
    }
    // The CRI filter (id or unique prefix, state, labels), then crictl's own (name/namespace regexps, newest first, -l/-n).
    const { idFilter } = require('@berth/core/dist/cri/id-filter') as typeof import('@berth/core/dist/cri/id-filter');
    const byId = idFilter(pods.map((p) => p.id), flags.id);
    pods = pods.filter((p) => byId(p.id) && (!state || p.state === state)
      && Object.entries(labels).every(([k, v]) => p.config.labels[k] === v)
      && matchesPattern(flags.name, p.config.metadata.name) && matchesPattern(flags.namespace, p.config.metadata.namespace));
    pods.sort((a, b) => (BigInt(b.createdAt) > BigInt(a.createdAt) ? 1 : BigInt(b.createdAt) < BigInt(a.createdAt) ? -1 : 0));
    let n = pods.length;
    if (flags.latest) n = 1;
    if (flags.last !== undefined && flags.last > 0) n = flags.last;
    pods = pods.slice(0, n);

    if (flags.output !== 'table' && flags.output !== 'json' && flags.output !== 'yaml') this.fail(`listing pod sandboxes: unsupported output format ${JSON.stringify(flags.output)}`);
    if (printStructured(flags.output, { items: pods.map((p) => criPodSandbox(p) as Json) })) return;

    const rows: string[][] = [];
    if (!flags.verbose && !flags.quiet) rows.push(['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME']);
    let out = '';
    const now = Date.now();
    for (const p of pods) {
      const m = p.config.metadata;
      const created = Number(BigInt(p.createdAt) / 1_000_000n);
      const stateText = p.state === 'SANDBOX_READY' ? 'Ready' : 'NotReady';
      const runtime = p.runtimeHandler === '' ? '(default)' : p.runtimeHandler;
      if (flags.quiet) {
        out += `${p.id}\n`;
        continue;
      }
      if (flags.verbose) {
        out += `ID: ${p.id}\n`;
        if (m.name) out += `Name: ${m.name}\n`;
        if (m.uid) out += `UID: ${m.uid}\n`;
        if (m.namespace) out += `Namespace: ${m.namespace}\n`;
        if (m.attempt !== 0) out += `Attempt: ${m.attempt}\n`;
        out += `Status: ${stateText}\nCreated: ${goTime(p.createdAt)}\n`;
        const kv = (title: string, o: Record<string, string>): void => {
          out += `${title}:\n`;
          for (const k of Object.keys(o).sort()) out += `\t${k} -> ${o[k]}\n`;
        };
        if (Object.keys(p.config.labels).length > 0) kv('Labels', p.config.labels);
        if (Object.keys(p.config.annotations).length > 0) kv('Annotations', p.config.annotations);
        out += `Runtime: ${runtime}\n\n`;
        continue;
      }
      rows.push([flags['no-trunc'] ? p.id : truncateId(p.id), `${humanDuration(now - created)} ago`, stateText, m.name, m.namespace, String(m.attempt), runtime]);
    }
    process.stdout.write(out + table(rows));
  }
}

/** Go's time.Time %v in UTC: 2006-01-02 15:04:05.999999999 +0000 UTC. */
export function goTime(ns: string): string {
  const n = BigInt(ns);
  const base = new Date(Number(n / 1_000_000n)).toISOString().slice(0, 19).replace('T', ' ');
  const frac = (n % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${frac ? `.${frac}` : ''} +0000 UTC`;
}
