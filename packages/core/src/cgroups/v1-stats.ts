/** Statistics from cgroup v1 controllers, read as runc's fs manager reads them. */
import * as path from 'node:path';
import { SysError } from '../errors';
import { parseUint, readFileIfExists, readKeyValues, readUint, readUintIfExists } from './files';
import { hugePageSizes } from './hugepages';
import { emptyStats, type BlkioEntry, type BlkioStats, type CgroupStats, type MemoryEntry } from './stats';

const NS_PER_TICK = 1e9 / 100; // cpuacct.stat counts USER_HZ (100) ticks

function cpuacct(dir: string, s: CgroupStats): void {
  const stat = readFileIfExists(dir, 'cpuacct.stat');
  if (stat === undefined) return;
  const f = stat.trim().split(/\s+/);
  if (f.length < 4 || f[0] !== 'user' || f[2] !== 'system') {
    throw new SysError('cgroup', 'EINVAL', `${path.join(dir, 'cpuacct.stat')}: malformed content ${JSON.stringify(stat)}`);
  }
  const u = s.cpu.usage;
  u.user = parseUint(f[1] ?? '', 'cpuacct.stat') * NS_PER_TICK;
  u.kernel = parseUint(f[3] ?? '', 'cpuacct.stat') * NS_PER_TICK;
  u.total = readUint(dir, 'cpuacct.usage');
  u.percpu = (readFileIfExists(dir, 'cpuacct.usage_percpu') ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  // cpuacct.usage_all: a header line, then "cpu user system" per CPU.
  const all = readFileIfExists(dir, 'cpuacct.usage_all');
  if (all !== undefined) {
    for (const line of all.split('\n').slice(1)) {
      const cols = line.split(' ');
      if (cols.length !== 3) continue;
      u.percpu_user.push(Number(cols[1]));
      u.percpu_kernel.push(Number(cols[2]));
    }
  }
}

function cpu(dir: string, s: CgroupStats): void {
  const kv = readKeyValues(dir, 'cpu.stat');
  if (!kv) return;
  const t = s.cpu.throttling;
  t.periods = kv.get('nr_periods') ?? 0;
  t.throttledPeriods = kv.get('nr_throttled') ?? 0;
  t.throttledTime = kv.get('throttled_time') ?? 0;
}

/** "0-2,4" -> [0, 1, 2, 4]. */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-');
    const lo = Number(a);
    const hi = b === undefined ? lo : Number(b);
    for (let i = lo; i <= hi; i++) out.push(i);
  }
  return out;
}

function cpuset(dir: string, s: CgroupStats): void {
  const c = s.cpuset;
  c.cpus = parseCpuList(readFileIfExists(dir, 'cpuset.cpus') ?? '');
  c.mems = parseCpuList(readFileIfExists(dir, 'cpuset.mems') ?? '');
  const num = (file: string) => readUintIfExists(dir, file) ?? 0;
  c.cpu_exclusive = num('cpuset.cpu_exclusive');
  c.mem_hardwall = num('cpuset.mem_hardwall');
  c.mem_exclusive = num('cpuset.mem_exclusive');
  c.memory_migrate = num('cpuset.memory_migrate');
  c.memory_spread_page = num('cpuset.memory_spread_page');
  c.memory_spread_slab = num('cpuset.memory_spread_slab');
  c.memory_pressure = num('cpuset.memory_pressure');
  c.sched_load_balance = num('cpuset.sched_load_balance');
  const level = readFileIfExists(dir, 'cpuset.sched_relax_domain_level');
  c.sched_relax_domain_level = level === undefined ? 0 : Number(level.trim());
}

/** memory[.<name>].{usage_in_bytes,max_usage_in_bytes,failcnt,limit_in_bytes}; zeros when the kind is absent. */
function memoryData(dir: string, name: string): MemoryEntry {
  const prefix = name ? `memory.${name}` : 'memory';
  const usage = readUintIfExists(dir, `${prefix}.usage_in_bytes`);
  if (usage === undefined) return { limit: 0, usage: 0, max: 0, failcnt: 0 };
  return {
    usage,
    max: readUint(dir, `${prefix}.max_usage_in_bytes`),
    failcnt: readUint(dir, `${prefix}.failcnt`),
    limit: readUint(dir, `${prefix}.limit_in_bytes`),
  };
}

function memory(dir: string, s: CgroupStats): void {
  const kv = readKeyValues(dir, 'memory.stat');
  if (!kv) return;
  for (const [k, v] of kv) s.memory.raw[k] = v;
  s.memory.cache = kv.get('cache') ?? 0;
  s.memory.usage = memoryData(dir, '');
  s.memory.swap = memoryData(dir, 'memsw');
  s.memory.kernel = memoryData(dir, 'kmem');
  s.memory.kernelTCP = memoryData(dir, 'kmem.tcp');
}

function pids(dir: string, s: CgroupStats): void {
  const current = readUintIfExists(dir, 'pids.current');
  if (current === undefined) return;
  const max = readUint(dir, 'pids.max');
  s.pids.current = current;
  s.pids.limit = max >= 2 ** 64 ? 0 : max;
}

/** One blkio file: "maj:min [Op] value" lines; "Total n" lines are skipped. */
function blkioFile(dir: string, file: string): BlkioEntry[] | undefined {
  const text = readFileIfExists(dir, file);
  if (text === undefined) return undefined;
  const out: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(/[ :]+/).filter(Boolean);
    if (f.length < 3) {
      if (f.length === 0 || (f.length === 2 && f[0] === 'Total')) continue;
      throw new SysError('cgroup', 'EINVAL', `${path.join(dir, file)}: malformed line ${JSON.stringify(line)}`);
    }
    const withOp = f.length === 4;
    out.push({ major: Number(f[0]), minor: Number(f[1]), op: withOp ? (f[2] ?? '') : '', value: Number(withOp ? f[3] : f[2]) });
  }
  return out;
}

/**
 * runc tries the BFQ debug files, then BFQ, then CFQ, then the throttle files, and takes the
 * first group whose first file has entries.
 */
function blkio(dir: string, s: CgroupStats): void {
  type Key = keyof BlkioStats;
  const groups: [string, Key][][] = [
    [['blkio.bfq.sectors_recursive', 'sectorsRecursive'], ['blkio.bfq.io_service_time_recursive', 'ioServiceTimeRecursive'],
      ['blkio.bfq.io_wait_time_recursive', 'ioWaitTimeRecursive'], ['blkio.bfq.io_merged_recursive', 'ioMergedRecursive'],
      ['blkio.bfq.io_queued_recursive', 'ioQueueRecursive'], ['blkio.bfq.time_recursive', 'ioTimeRecursive'],
      ['blkio.bfq.io_serviced_recursive', 'ioServicedRecursive'], ['blkio.bfq.io_service_bytes_recursive', 'ioServiceBytesRecursive']],
    [['blkio.bfq.io_serviced_recursive', 'ioServicedRecursive'], ['blkio.bfq.io_service_bytes_recursive', 'ioServiceBytesRecursive']],
    [['blkio.sectors_recursive', 'sectorsRecursive'], ['blkio.io_service_time_recursive', 'ioServiceTimeRecursive'],
      ['blkio.io_wait_time_recursive', 'ioWaitTimeRecursive'], ['blkio.io_merged_recursive', 'ioMergedRecursive'],
      ['blkio.io_queued_recursive', 'ioQueueRecursive'], ['blkio.time_recursive', 'ioTimeRecursive'],
      ['blkio.io_serviced_recursive', 'ioServicedRecursive'], ['blkio.io_service_bytes_recursive', 'ioServiceBytesRecursive']],
    [['blkio.throttle.io_serviced_recursive', 'ioServicedRecursive'], ['blkio.throttle.io_service_bytes_recursive', 'ioServiceBytesRecursive']],
    [['blkio.throttle.io_serviced', 'ioServicedRecursive'], ['blkio.throttle.io_service_bytes', 'ioServiceBytesRecursive']],
  ];
  for (const group of groups) {
    for (const [i, [file, key]] of group.entries()) {
      const entries = blkioFile(dir, file);
      if (!entries || entries.length === 0) {
        if (i === 0) break; // this kind of stats is not there: try the next group
        return;
      }
      s.blkio[key] = entries;
      if (i === group.length - 1) return;
    }
  }
}

function hugetlb(dir: string, s: CgroupStats): void {
  for (const size of hugePageSizes()) {
    const usage = readUintIfExists(dir, `hugetlb.${size}.usage_in_bytes`);
    if (usage === undefined) continue;
    s.hugetlb[size] = {
      usage,
      max: readUint(dir, `hugetlb.${size}.max_usage_in_bytes`),
      failcnt: readUint(dir, `hugetlb.${size}.failcnt`),
    };
  }
}

export function statsV1(paths: Record<string, string>): CgroupStats {
  const s = emptyStats();
  const readers: [string, (dir: string, s: CgroupStats) => void][] = [
    ['cpuset', cpuset], ['memory', memory], ['cpu', cpu], ['cpuacct', cpuacct], ['pids', pids], ['blkio', blkio], ['hugetlb', hugetlb],
  ];
  for (const [ctrl, read] of readers) {
    const dir = paths[ctrl];
    if (dir) read(dir, s);
  }
  return s;
}
