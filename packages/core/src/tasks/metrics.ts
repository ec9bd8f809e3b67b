/** `tasks metrics`: the container's cgroup figures, shaped as containerd's cgroups v1/v2 metrics. */
import { runtimeRootForNamespace } from '../layout';
import { StateError } from '../errors';
import { readRecord, recordCgroup } from '../runtime/container';
import { rfc3339Nano } from '../util/time';
import { taskInfo } from './records';

export interface TaskMetrics {
  id: string;
  timestamp: string;
  cgroupVersion: 1 | 2;
  memory: { usage: number; limit: number; cache: number; swapUsage: number; swapLimit: number };
  cpu: { total: number; perCpu: number[]; user: number; system: number; periods: number; throttledPeriods: number; throttledTime: number };
  pids: { current: number; limit: number };
}

export function taskMetrics(state: string, ns: string, id: string): TaskMetrics {
  const t = taskInfo(state, ns, id);
  if (t.status === 'STOPPED') throw new StateError(`task ${id}: stopped, no metrics`);
  const rec = readRecord(runtimeRootForNamespace(state, ns), id);
  const cg = recordCgroup(rec);
  if (!cg) throw new StateError(`task ${id}: has no cgroup`);
  const s = cg.stats();
  return {
    id,
    timestamp: rfc3339Nano(),
    cgroupVersion: cg.version,
    memory: { usage: s.memory.usage.usage, limit: s.memory.usage.limit, cache: s.memory.cache, swapUsage: s.memory.swap.usage, swapLimit: s.memory.swap.limit },
    cpu: {
      total: s.cpu.usage.total, perCpu: s.cpu.usage.percpu ?? [], user: s.cpu.usage.user, system: s.cpu.usage.kernel,
      periods: s.cpu.throttling.periods, throttledPeriods: s.cpu.throttling.throttledPeriods, throttledTime: s.cpu.throttling.throttledTime,
    },
    pids: { current: s.pids.current, limit: s.pids.limit },
  };
}
