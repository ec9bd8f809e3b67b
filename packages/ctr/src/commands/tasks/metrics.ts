import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { stateDir } from './common';

export default class TasksMetrics extends CtrCommand {
  static override summary = 'Get a single data point of metrics for a task with the built-in Linux runtime';
  static override aliases = ['tasks:metric', 't:metrics', 't:metric', 'task:metrics', 'task:metric'];
  static override args = { container: Args.string({ description: 'CONTAINER', required: true }) };
  static override flags = {
    format: Flags.string({ description: '"table" or "json"', default: 'table', options: ['table', 'json'] }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TasksMetrics);
    const { taskMetrics } = require('@berth/core/dist/services/tasks') as typeof import('@berth/core/dist/services/tasks');
    const m = taskMetrics(stateDir(flags), flags.namespace, args.container);
    if (flags.format === 'json') {
      // The cgroup metrics object as ctr marshals containerd's v1/v2 Metrics (snake_case keys).
      const data = m.cgroupVersion === 1
        ? {
          pids: { current: m.pids.current, limit: m.pids.limit },
          cpu: { usage: { total: m.cpu.total, kernel: m.cpu.system, user: m.cpu.user, per_cpu: m.cpu.perCpu }, throttling: { periods: m.cpu.periods, throttled_periods: m.cpu.throttledPeriods, throttled_time: m.cpu.throttledTime } },
          memory: { cache: m.memory.cache, usage: { limit: m.memory.limit, usage: m.memory.usage }, swap: { limit: m.memory.swapLimit, usage: m.memory.swapUsage } },
        }
        : {
          pids: { current: m.pids.current, limit: m.pids.limit },
          cpu: { usage_usec: Math.round(m.cpu.total / 1000), user_usec: Math.round(m.cpu.user / 1000), system_usec: Math.round(m.cpu.system / 1000), nr_periods: m.cpu.periods, nr_throttled: m.cpu.throttledPeriods, throttled_usec: Math.round(m.cpu.throttledTime / 1000) },
          memory: { usage: m.memory.usage, usage_limit: m.memory.limit, swap_usage: m.memory.swapUsage, swap_limit: m.memory.swapLimit },
        };
      // uint64 figures exactly, as Go prints them ("no limit" is near 2^63).
      const { stringifyExact } = require('@berth/core/dist/cgroups/stats') as typeof import('@berth/core/dist/cgroups/stats');
      process.stdout.write(`${stringifyExact(data, 2)}\n`);
      return;
    }
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    // uint64 figures ("no limit" is near 2^63) print exactly, as Go does, not rounded by Number.
    const u64 = (n: number): string => (n >= 2 ** 53 ? BigInt(n).toString() : String(n));
    const rows: string[][] = m.cgroupVersion === 1
      ? [
        ['memory.usage_in_bytes', String(m.memory.usage)], ['memory.limit_in_bytes', u64(m.memory.limit)], ['memory.stat.cache', String(m.memory.cache)],
        ['cpuacct.usage', String(m.cpu.total)], ['cpuacct.usage_percpu', `[${m.cpu.perCpu.join(' ')}]`],
        ['pids.current', String(m.pids.current)], ['pids.limit', String(m.pids.limit)],
      ]
      : [
        ['pids.current', String(m.pids.current)], ['pids.limit', String(m.pids.limit)],
        ['cpu.usage_usec', String(Math.round(m.cpu.total / 1000))], ['cpu.user_usec', String(Math.round(m.cpu.user / 1000))], ['cpu.system_usec', String(Math.round(m.cpu.system / 1000))],
        ['cpu.nr_periods', String(m.cpu.periods)], ['cpu.nr_throttled', String(m.cpu.throttledPeriods)], ['cpu.throttled_usec', String(Math.round(m.cpu.throttledTime / 1000))],
        ['memory.usage', String(m.memory.usage)], ['memory.usage_limit', u64(m.memory.limit)], ['memory.swap_usage', String(m.memory.swapUsage)], ['memory.swap_limit', u64(m.memory.swapLimit)],
      ];
    // ctr: an ID/TIMESTAMP block, a blank line, then METRIC/VALUE, every cell tab-terminated.
    // The time as ctr prints a time.Time with %s (its JSON keeps RFC 3339).
    const { goTimeValueOf } = require('@berth/core/dist/util/time') as typeof import('@berth/core/dist/util/time');
    const table = tabwrite([['ID', 'TIMESTAMP'], [m.id, goTimeValueOf(m.timestamp)]], { minwidth: 1, padding: 4, padLast: true });
    process.stdout.write(`${table}\n${tabwrite([['METRIC', 'VALUE'], ...rows], { minwidth: 1, padding: 4, padLast: true })}`);
  }
}
