import { Args, Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { labelFilter } from '../list-filters';
import { humanSize, printStructured, table, truncateId, type Json } from '../output';
import { nanoCores, statsJson, u64 } from './stats';

export default class Statsp extends CrictlCommand {
  static override summary = 'List pod statistics. Stats represent a structured API that will fulfill the Kubelet\'s /stats/summary endpoint.';
  static override usage = 'statsp [flags] [ID]';
  static override args = { id: Args.string({ description: 'ID' }) };
  static override flags = {
    id: Flags.string({ description: 'Filter by pod id' }),
    label: Flags.string({ multiple: true, description: 'Filter by key=value label' }),
    output: Flags.string({ char: 'o', description: 'Output format, One of: json|yaml|table', default: 'table' }),
    seconds: Flags.integer({ char: 's', description: 'Sample duration for CPU usage in seconds', default: 1, min: 1 }),
    watch: Flags.boolean({ char: 'w', description: 'Watch pod resources' }),
    // cri-tools' statsp has no -q: berth's own, as crictl's other list commands have it.
    quiet: Flags.boolean({ char: 'q', description: 'berth: only display pod IDs' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Statsp);
    const { criPodStats } = require('@berth/core/dist/cri/container-stats') as typeof import('@berth/core/dist/cri/container-stats');
    const labels = labelFilter(flags.label, (m) => this.fail(m));
    if (flags.output !== 'table' && flags.output !== 'json' && flags.output !== 'yaml') this.fail(`unsupported output format ${JSON.stringify(flags.output)}`);
    const filter = { id: flags.id ?? args.id, labels };
    const dirs = this.store(flags);
    if (flags.quiet) {
      // Ids need no CPU sample: no wait.
      process.stdout.write(criPodStats(dirs, filter).map((p) => `${p.id}\n`).join(''));
      return;
    }
    for (;;) {
      const first = new Map(criPodStats(dirs, filter).map((p) => [p.id, p]));
      await new Promise((r) => setTimeout(r, flags.seconds * 1000));
      const pods = criPodStats(dirs, filter);
      const doc = {
        stats: pods.map((p): Json => {
          const before = first.get(p.id);
          return {
            attributes: { id: p.id, metadata: { name: p.name, uid: p.uid, namespace: p.namespace, attempt: p.attempt }, labels: p.labels, annotations: p.annotations },
            linux: {
              cpu: { timestamp: p.timestamp, usageCoreNanoSeconds: u64(p.cpuUsageCoreNs), usageNanoCores: u64(nanoCores(before, p)) },
              // The pod's figures are its running containers' summed (no pod cgroup of its own to
              // read, hence no availableBytes: a sum of the containers' would mean nothing).
              memory: {
                timestamp: p.timestamp, workingSetBytes: u64(p.memoryWorkingSet), availableBytes: null, usageBytes: u64(p.memoryUsage),
                rssBytes: u64(p.memoryRss), pageFaults: u64(p.pageFaults), majorPageFaults: u64(p.majorPageFaults),
              },
              network: p.network ? {
                timestamp: p.timestamp,
                defaultInterface: {
                  name: p.network.name, rxBytes: u64(p.network.rxBytes), rxErrors: u64(p.network.rxErrors), txBytes: u64(p.network.txBytes), txErrors: u64(p.network.txErrors),
                },
                interfaces: [],
              } : null,
              process: { timestamp: p.timestamp, processCount: u64(p.processes) },
              containers: p.containers.map((c) => statsJson(c, nanoCores(before?.containers.find((x) => x.id === c.id), c))),
            },
            windows: null,
          };
        }),
      };
      if (!printStructured(flags.output, doc)) {
        const rows = [['POD', 'POD ID', 'CPU %', 'MEM']];
        for (const p of pods) rows.push([p.name, truncateId(p.id), (nanoCores(first.get(p.id), p) / 1e7).toFixed(2), humanSize(p.memoryWorkingSet)]);
        process.stdout.write(table(rows));
      }
      if (!flags.watch) return;
    }
  }
}
