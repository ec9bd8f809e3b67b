import { Args, Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { labelFilter } from '../list-filters';
import { humanSize, printStructured, table, truncateId, type Json } from '../output';

type StatsRecord = import('@berth/core/dist/cri/container-stats').CriContainerStats;

export const u64 = (n: number): Json => ({ value: String(n) });

/** CRI ContainerStats as protobuf JSON (uint64 values as strings). */
export function statsJson(s: StatsRecord, cpuNanoCores: number): Json {
  return {
    attributes: { id: s.id, metadata: { name: s.name, attempt: s.attempt }, labels: s.labels, annotations: s.annotations },
    cpu: { timestamp: s.timestamp, usageCoreNanoSeconds: u64(s.cpuUsageCoreNs), usageNanoCores: u64(cpuNanoCores) },
    memory: {
      timestamp: s.timestamp, workingSetBytes: u64(s.memoryWorkingSet), availableBytes: u64(s.memoryAvailable), usageBytes: u64(s.memoryUsage),
      rssBytes: u64(s.memoryRss), pageFaults: u64(s.pageFaults), majorPageFaults: u64(s.majorPageFaults),
    },
    writableLayer: { timestamp: s.timestamp, fsId: { mountpoint: s.snapshotMountpoint }, usedBytes: u64(s.diskUsed), inodesUsed: u64(s.inodesUsed) },
    swap: null,
  };
}

/** CPU use between two samples, in nanocores (100% of one CPU = 1e9). */
export function nanoCores(prev: { timestamp: string; cpuUsageCoreNs: number } | undefined, cur: { timestamp: string; cpuUsageCoreNs: number }): number {
  if (!prev) return 0;
  const dt = Number(BigInt(cur.timestamp) - BigInt(prev.timestamp));
  return dt > 0 ? Math.max(0, Math.round(((cur.cpuUsageCoreNs - prev.cpuUsageCoreNs) / dt) * 1e9)) : 0;
}

export default class Stats extends CrictlCommand {
  static override summary = 'List container(s) resource usage statistics';
  static override usage = 'stats [flags] [ID]';
  static override args = { id: Args.string({ description: 'ID' }) };
  static override flags = {
    all: Flags.boolean({ char: 'a', description: 'Show all containers (default shows just running)' }),
    id: Flags.string({ description: 'Filter by container id' }),
    pod: Flags.string({ char: 'p', description: 'Filter by pod id' }),
    label: Flags.string({ multiple: true, description: 'Filter by key=value label' }),
    output: Flags.string({ char: 'o', description: 'Output format, One of: json|yaml|table', default: 'table' }),
    seconds: Flags.integer({ char: 's', description: 'Sample duration for CPU usage in seconds', default: 1, min: 1 }),
    watch: Flags.boolean({ char: 'w', description: 'Watch pod resources' }),
    // cri-tools' stats has no -q: berth's own, as crictl's other list commands have it.
    quiet: Flags.boolean({ char: 'q', description: 'berth: only display container IDs' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Stats);
    const { criContainerStats } = require('@berth/core/dist/cri/container-stats') as typeof import('@berth/core/dist/cri/container-stats');
    const labels = labelFilter(flags.label, (m) => this.fail(m));
    if (flags.output !== 'table' && flags.output !== 'json' && flags.output !== 'yaml') this.fail(`unsupported output format ${JSON.stringify(flags.output)}`);
    const filter = { id: flags.id ?? args.id, podId: flags.pod, labels };
    const dirs = this.store(flags);
    if (flags.quiet) {
      // Ids need no CPU sample: no wait.
      process.stdout.write(criContainerStats(dirs, filter).filter((s) => flags.all || s.running).map((s) => `${s.id}\n`).join(''));
      return;
    }
    for (;;) {
      // Two samples --seconds apart, as crictl takes them, for the CPU percentage.
      const first = new Map(criContainerStats(dirs, filter).map((s) => [s.id, s]));
      await new Promise((r) => setTimeout(r, flags.seconds * 1000));
      const list = criContainerStats(dirs, filter).filter((s) => flags.all || s.running);
      if (printStructured(flags.output, { stats: list.map((s) => statsJson(s, nanoCores(first.get(s.id), s))) })) {
        if (!flags.watch) return;
        continue;
      }
      const rows = [['CONTAINER', 'NAME', 'CPU %', 'MEM', 'DISK', 'INODES']];
      for (const s of list) {
        if (!flags.all && s.cpuUsageCoreNs === 0 && s.memoryWorkingSet === 0) continue;
        rows.push([truncateId(s.id), s.name, (nanoCores(first.get(s.id), s) / 1e7).toFixed(2), humanSize(s.memoryWorkingSet), humanSize(s.diskUsed), String(s.inodesUsed)]);
      }
      process.stdout.write(table(rows));
      if (!flags.watch) return;
    }
  }
}
