/**
 * Cgroup statistics in the shape of runc's `events --stats` data (runc types/events.go):
 * the keys are runc's JSON names. `stats()` fills every field; runcStatsData() then drops
 * what Go's `omitempty` drops, and stringifyExact() prints big counters without rounding.
 */

export interface CpuUsage {
  total: number;
  percpu: number[];
  percpu_kernel: number[];
  percpu_user: number[];
  kernel: number;
  user: number;
}

export interface Throttling {
  periods: number;
  throttledPeriods: number;
  throttledTime: number;
}

export interface CpusetStats {
  cpus: number[];
  cpu_exclusive: number;
  mems: number[];
  mem_hardwall: number;
  mem_exclusive: number;
  memory_migrate: number;
  memory_spread_page: number;
  memory_spread_slab: number;
  memory_pressure: number;
  sched_load_balance: number;
  sched_relax_domain_level: number;
}

export interface MemoryEntry {
  limit: number;
  usage: number;
  max: number;
  failcnt: number;
}

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface BlkioStats {
  ioServiceBytesRecursive: BlkioEntry[];
  ioServicedRecursive: BlkioEntry[];
  ioQueueRecursive: BlkioEntry[];
  ioServiceTimeRecursive: BlkioEntry[];
  ioWaitTimeRecursive: BlkioEntry[];
  ioMergedRecursive: BlkioEntry[];
  ioTimeRecursive: BlkioEntry[];
  sectorsRecursive: BlkioEntry[];
}

export interface HugetlbStats {
  usage: number;
  max: number;
  failcnt: number;
}

export interface CgroupStats {
  cpu: { usage: CpuUsage; throttling: Throttling };
  cpuset: CpusetStats;
  memory: {
    cache: number;
    usage: MemoryEntry;
    swap: MemoryEntry;
    kernel: MemoryEntry;
    kernelTCP: MemoryEntry;
    /** memory.stat, key by key. */
    raw: Record<string, number>;
  };
  pids: { current: number; limit: number };
  blkio: BlkioStats;
  /** Keyed by page size as runc names it ("2MB", "1GB"). */
  hugetlb: Record<string, HugetlbStats>;
}

function memoryEntry(): MemoryEntry {
  return { limit: 0, usage: 0, max: 0, failcnt: 0 };
}

export function emptyStats(): CgroupStats {
  return {
    cpu: {
      usage: { total: 0, percpu: [], percpu_kernel: [], percpu_user: [], kernel: 0, user: 0 },
      throttling: { periods: 0, throttledPeriods: 0, throttledTime: 0 },
    },
    cpuset: {
      cpus: [], cpu_exclusive: 0, mems: [], mem_hardwall: 0, mem_exclusive: 0, memory_migrate: 0,
      memory_spread_page: 0, memory_spread_slab: 0, memory_pressure: 0, sched_load_balance: 0,
      sched_relax_domain_level: 0,
    },
    memory: { cache: 0, usage: memoryEntry(), swap: memoryEntry(), kernel: memoryEntry(), kernelTCP: memoryEntry(), raw: {} },
    pids: { current: 0, limit: 0 },
    blkio: {
      ioServiceBytesRecursive: [], ioServicedRecursive: [], ioQueueRecursive: [], ioServiceTimeRecursive: [],
      ioWaitTimeRecursive: [], ioMergedRecursive: [], ioTimeRecursive: [], sectorsRecursive: [],
    },
    hugetlb: {},
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Copies `obj` without the keys in `omitEmpty` whose value is 0, "" or an empty array/map. */
function omit(obj: object, omitEmpty: string[]): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(obj) as [string, Json][]) {
    const empty = v === 0 || v === '' || (Array.isArray(v) && v.length === 0)
      || (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
    if (empty && omitEmpty.includes(k)) continue;
    out[k] = v;
  }
  return out;
}

/**
 * The `data` object of a runc stats event, with the fields runc's JSON omits when empty
 * left out (structs are never omitted by Go, so cpu.usage and memory.usage always appear).
 */
export function runcStatsData(s: CgroupStats): { [k: string]: Json } {
  // Keys in Go's struct order; maps (raw, hugetlb) sorted, as encoding/json prints them.
  const mem = (m: MemoryEntry) => omit({ limit: m.limit, usage: m.usage, max: m.max, failcnt: m.failcnt }, ['usage', 'max']);
  const sorted = <T>(rec: Record<string, T>) => Object.fromEntries(Object.keys(rec).sort().map((k) => [k, rec[k] as T]));
  const blk = (list: BlkioEntry[]) => list.map((e) => omit({ major: e.major, minor: e.minor, op: e.op, value: e.value }, ['major', 'minor', 'op', 'value']));
  const blkio: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(s.blkio) as [string, BlkioEntry[]][]) blkio[k] = blk(v);
  const hugetlb: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(sorted(s.hugetlb))) hugetlb[k] = omit({ usage: v.usage, max: v.max, failcnt: v.failcnt }, ['usage', 'max']);
  return {
    cpu: {
      usage: omit(s.cpu.usage, ['total', 'percpu', 'percpu_kernel', 'percpu_user']),
      throttling: omit(s.cpu.throttling, ['periods', 'throttledPeriods', 'throttledTime']),
    },
    cpuset: omit(s.cpuset, ['cpus', 'mems']),
    memory: omit({
      cache: s.memory.cache,
      usage: mem(s.memory.usage),
      swap: mem(s.memory.swap),
      kernel: mem(s.memory.kernel),
      kernelTCP: mem(s.memory.kernelTCP),
      raw: sorted(s.memory.raw),
    }, ['cache', 'raw']),
    pids: omit(s.pids, ['current', 'limit']),
    blkio: omit(blkio, Object.keys(blkio)),
    hugetlb,
    intel_rdt: {},
    network_interfaces: null,
  };
}

/**
 * JSON.stringify, except that integers beyond 2^53 print exactly as the kernel's uint64
 * would (9223372036854771712 rather than 9223372036854772000; 2^64 as MaxUint64).
 */
export function stringifyExact(value: unknown, space?: number): string {
  const mark = '\u0000big:';
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'number' && Number.isInteger(v) && v > Number.MAX_SAFE_INTEGER) {
      return mark + (v >= 2 ** 64 ? '18446744073709551615' : BigInt(v).toString());
    }
    return v;
  }, space);
  return text.replace(/"\\u0000big:(\d+)"/g, '$1');
}
