/** Statistics from a cgroup v2 directory, read as runc's fs2 manager reads them. */
import { MAX_UINT64 as MAX, parseUint, readFileIfExists, readKeyValues, readProcs, readUint, readUintIfExists } from './files';
import { hugePageSizes } from './hugepages';
import { emptyStats, type BlkioEntry, type CgroupStats } from './stats';

function cpu(dir: string, s: CgroupStats): void {
  const kv = readKeyValues(dir, 'cpu.stat');
  if (!kv) return;
  const u = s.cpu.usage;
  const t = s.cpu.throttling;
  u.total = (kv.get('usage_usec') ?? 0) * 1000;
  u.user = (kv.get('user_usec') ?? 0) * 1000;
  u.kernel = (kv.get('system_usec') ?? 0) * 1000;
  t.periods = kv.get('nr_periods') ?? 0;
  t.throttledPeriods = kv.get('nr_throttled') ?? 0;
  t.throttledTime = (kv.get('throttled_usec') ?? 0) * 1000;
}

function memory(dir: string, s: CgroupStats): void {
  const kv = readKeyValues(dir, 'memory.stat');
  if (!kv) return;
  for (const [k, v] of kv) s.memory.raw[k] = v;
  s.memory.cache = kv.get('file') ?? 0;
  const usage = readUintIfExists(dir, 'memory.current');
  if (usage === undefined) return;
  const limit = readUint(dir, 'memory.max');
  s.memory.usage = { usage, limit, max: readUintIfExists(dir, 'memory.peak') ?? 0, failcnt: 0 };
  // runc reports swap as memory+swap, the v1 meaning.
  const swapUsage = readUintIfExists(dir, 'memory.swap.current');
  if (swapUsage !== undefined) {
    const swapLimit = readUint(dir, 'memory.swap.max');
    s.memory.swap = {
      usage: swapUsage + usage,
      limit: swapLimit >= MAX || limit >= MAX ? MAX : swapLimit + limit,
      max: 0,
      failcnt: 0,
    };
  }
}

function pids(dir: string, s: CgroupStats): void {
  const current = readUintIfExists(dir, 'pids.current');
  if (current === undefined) {
    // No pids controller enabled: count the processes instead.
    s.pids.current = readProcs(dir).length;
    s.pids.limit = 0;
    return;
  }
  const max = readUint(dir, 'pids.max');
  s.pids.current = current;
  s.pids.limit = max >= MAX ? 0 : max;
}

/** io.stat: "maj:min rbytes=N wbytes=N rios=N wios=N ..." per device. */
function io(dir: string, s: CgroupStats): void {
  const text = readFileIfExists(dir, 'io.stat');
  if (text === undefined) return;
  const bytes: BlkioEntry[] = [];
  const ios: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const [dev, ...fields] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m) continue;
    for (const f of fields) {
      const [k, v] = f.split('=');
      if (v === undefined) continue;
      const e = { major: Number(m[1]), minor: Number(m[2]), op: '', value: parseUint(v, 'io.stat') };
      if (k === 'rbytes') bytes.push({ ...e, op: 'Read' });
      else if (k === 'wbytes') bytes.push({ ...e, op: 'Write' });
      else if (k === 'rios') ios.push({ ...e, op: 'Read' });
      else if (k === 'wios') ios.push({ ...e, op: 'Write' });
    }
  }
  s.blkio.ioServiceBytesRecursive = bytes;
  s.blkio.ioServicedRecursive = ios;
}

function hugetlb(dir: string, s: CgroupStats): void {
  for (const size of hugePageSizes()) {
    const usage = readUintIfExists(dir, `hugetlb.${size}.current`);
    if (usage === undefined) continue;
    const events = readKeyValues(dir, `hugetlb.${size}.events`);
    s.hugetlb[size] = { usage, max: 0, failcnt: events?.get('max') ?? 0 };
  }
}

export function statsV2(dir: string): CgroupStats {
  const s = emptyStats();
  pids(dir, s);
  memory(dir, s);
  io(dir, s);
  cpu(dir, s);
  hugetlb(dir, s);
  return s;
}
