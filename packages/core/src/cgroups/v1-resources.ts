/**
 * Applying OCI linux.resources to cgroup v1 controllers, in runc's order and with runc's
 * rules (libcontainer/cgroups/fs): unset and 0 mean "leave as is"; -1 means unlimited.
 */
import * as path from 'node:path';
import type { LinuxBlockIO, LinuxCPU, LinuxMemory, LinuxResources, LinuxThrottleDevice } from '../oci/types';
import { InvalidArgumentError, SysError, UnsupportedError } from '../errors';
import { exists, readUint, writeFile } from './files';
import { deviceRules } from './devices';

const MEMSW = 'memory.memsw.limit_in_bytes';

/** The directory of `ctrl`, or a clear error when the controller is not mounted. */
function dirOf(paths: Record<string, string>, ctrl: string, what: string): string {
  const dir = paths[ctrl];
  if (!dir) throw new UnsupportedError(`cgroup ${ctrl}: controller is not mounted, cannot set ${what}`);
  return dir;
}

function setCpuset(dir: () => string, cpu: LinuxCPU): void {
  if (cpu.cpus) writeFile(dir(), 'cpuset.cpus', cpu.cpus);
  if (cpu.mems) writeFile(dir(), 'cpuset.mems', cpu.mems);
}

function setMemory(dir: string, m: LinuxMemory): void {
  const limit = m.limit ?? 0;
  let swap = m.swap ?? 0;
  // An unlimited memory limit also lifts the memsw limit, or the kernel refuses -1 on memory.
  if (limit === -1 && swap === 0 && exists(path.join(dir, MEMSW))) swap = -1;
  const setLimit = () => { if (limit !== 0) writeFile(dir, 'memory.limit_in_bytes', String(limit)); };
  const setSwap = () => { if (swap !== 0) writeFile(dir, MEMSW, String(swap)); };
  // memsw must stay >= limit at every step, so the order depends on the direction of change.
  if (limit !== 0 && swap !== 0 && (swap === -1 || readUint(dir, 'memory.limit_in_bytes') < swap)) {
    setSwap();
    setLimit();
  } else {
    setLimit();
    setSwap();
  }
  if (m.reservation) writeFile(dir, 'memory.soft_limit_in_bytes', String(m.reservation));
  if (m.disableOOMKiller) writeFile(dir, 'memory.oom_control', '1');
  // kernel and kernelTCP are ignored, as runc 1.1 does: the kernel deprecated (then removed) kmem limits.
  const sw = m.swappiness;
  if (sw !== undefined && sw !== -1 && sw < 2 ** 63) {
    if (sw < 0 || sw > 100) throw new InvalidArgumentError(`cgroup memory.swappiness: invalid value ${sw} (valid range is 0-100)`);
    writeFile(dir, 'memory.swappiness', String(sw));
  }
}

/**
 * Writes `value`, but on EINVAL, when `retryLater` is set, reports "not yet" instead of
 * failing: some pairs (period/quota, rt period/runtime) are only valid in one order.
 */
function writeOrDefer(dir: string, file: string, value: string, retryLater: boolean): boolean {
  try {
    writeFile(dir, file, value);
    return true;
  } catch (e) {
    if (retryLater && e instanceof SysError && e.errno === 'EINVAL') return false;
    throw e;
  }
}

function setCpu(dir: string, c: LinuxCPU): void {
  if (c.shares) {
    writeFile(dir, 'cpu.shares', String(c.shares));
    // The kernel clamps out-of-range shares silently; report it instead.
    const got = readUint(dir, 'cpu.shares');
    if (c.shares > got) throw new InvalidArgumentError(`cgroup cpu.shares: cannot set ${c.shares}: the maximum allowed cpu-shares is ${got}`);
    if (c.shares < got) throw new InvalidArgumentError(`cgroup cpu.shares: cannot set ${c.shares}: the minimum allowed cpu-shares is ${got}`);
  }
  const quota = c.quota ?? 0;
  let periodLater = false;
  if (c.period) periodLater = !writeOrDefer(dir, 'cpu.cfs_period_us', String(c.period), quota !== 0);
  let burstLater = false;
  if (c.burst !== undefined && c.burst !== null) {
    try {
      burstLater = !writeOrDefer(dir, 'cpu.cfs_burst_us', String(c.burst), quota !== 0);
    } catch (e) {
      // Kernels before 5.14 have no burst knob: ignore it there, as runc does.
      if (!(e instanceof SysError && e.errno === 'ENOENT')) throw e;
    }
  }
  if (quota !== 0) {
    writeFile(dir, 'cpu.cfs_quota_us', String(quota));
    if (periodLater && c.period) writeFile(dir, 'cpu.cfs_period_us', String(c.period));
    if (burstLater && c.burst !== undefined) writeFile(dir, 'cpu.cfs_burst_us', String(c.burst));
  }
  if (c.idle !== undefined && c.idle !== null) writeFile(dir, 'cpu.idle', String(c.idle));
  setRealtime(dir, c);
}

function setRealtime(dir: string, c: LinuxCPU): void {
  const runtime = c.realtimeRuntime ?? 0;
  let periodLater = false;
  if (c.realtimePeriod) periodLater = !writeOrDefer(dir, 'cpu.rt_period_us', String(c.realtimePeriod), runtime !== 0);
  if (runtime !== 0) {
    writeFile(dir, 'cpu.rt_runtime_us', String(runtime));
    if (periodLater && c.realtimePeriod) writeFile(dir, 'cpu.rt_period_us', String(c.realtimePeriod));
  }
}

function blkioSet(b: LinuxBlockIO): boolean {
  return !!(b.weight || b.leafWeight || b.weightDevice?.length || b.throttleReadBpsDevice?.length
    || b.throttleWriteBpsDevice?.length || b.throttleReadIOPSDevice?.length || b.throttleWriteIOPSDevice?.length);
}

function setBlkio(dir: string, b: LinuxBlockIO): void {
  // CFQ kernels have blkio.weight; with BFQ the knobs are blkio.bfq.weight*.
  const bfq = !exists(path.join(dir, 'blkio.weight'));
  const weightFile = bfq ? 'blkio.bfq.weight' : 'blkio.weight';
  const weightDeviceFile = bfq ? 'blkio.bfq.weight_device' : 'blkio.weight_device';
  if (b.weight) writeFile(dir, weightFile, String(b.weight));
  if (b.leafWeight) writeFile(dir, 'blkio.leaf_weight', String(b.leafWeight));
  for (const wd of b.weightDevice ?? []) {
    if (wd.weight) writeFile(dir, weightDeviceFile, `${wd.major}:${wd.minor} ${wd.weight}`);
    if (wd.leafWeight) writeFile(dir, 'blkio.leaf_weight_device', `${wd.major}:${wd.minor} ${wd.leafWeight}`);
  }
  const throttle: [LinuxThrottleDevice[] | undefined, string][] = [
    [b.throttleReadBpsDevice, 'blkio.throttle.read_bps_device'],
    [b.throttleWriteBpsDevice, 'blkio.throttle.write_bps_device'],
    [b.throttleReadIOPSDevice, 'blkio.throttle.read_iops_device'],
    [b.throttleWriteIOPSDevice, 'blkio.throttle.write_iops_device'],
  ];
  for (const [list, file] of throttle) {
    for (const td of list ?? []) writeFile(dir, file, `${td.major}:${td.minor} ${td.rate}`);
  }
}

function writeDevices(dir: string, r: LinuxResources): void {
  for (const rule of deviceRules(r.devices ?? [])) {
    writeFile(dir, rule.allow ? 'devices.allow' : 'devices.deny', rule.line);
  }
}

export function setV1(paths: Record<string, string>, r: LinuxResources): void {
  if (r.unified && Object.keys(r.unified).length > 0) {
    throw new InvalidArgumentError('cgroup: linux.resources.unified needs cgroup v2, and this host uses cgroup v1');
  }
  if (r.cpu && (r.cpu.cpus || r.cpu.mems)) setCpuset(() => dirOf(paths, 'cpuset', 'cpus/mems'), r.cpu);
  if (r.devices?.length) writeDevices(dirOf(paths, 'devices', 'device rules'), r);
  const m = r.memory;
  if (m && (m.limit || m.swap || m.reservation || m.disableOOMKiller || m.swappiness !== undefined)) {
    setMemory(dirOf(paths, 'memory', 'memory limits'), m);
  }
  const c = r.cpu;
  if (c && (c.shares || c.quota || c.period || c.burst !== undefined || c.idle !== undefined || c.realtimeRuntime || c.realtimePeriod)) {
    setCpu(dirOf(paths, 'cpu', 'cpu limits'), c);
  }
  if (r.pids && r.pids.limit !== 0) {
    writeFile(dirOf(paths, 'pids', 'the pids limit'), 'pids.max', r.pids.limit > 0 ? String(r.pids.limit) : 'max');
  }
  if (r.blockIO && blkioSet(r.blockIO)) setBlkio(dirOf(paths, 'blkio', 'block I/O limits'), r.blockIO);
  if (r.hugepageLimits?.length) {
    const dir = dirOf(paths, 'hugetlb', 'hugepage limits');
    for (const h of r.hugepageLimits) writeFile(dir, `hugetlb.${h.pageSize}.limit_in_bytes`, String(h.limit));
  }
  if (r.network?.classID) writeFile(dirOf(paths, 'net_cls', 'the network class id'), 'net_cls.classid', String(r.network.classID));
  for (const p of r.network?.priorities ?? []) {
    writeFile(dirOf(paths, 'net_prio', 'network priorities'), 'net_prio.ifpriomap', `${p.name} ${p.priority}`);
  }
  setRdma(() => dirOf(paths, 'rdma', 'rdma limits'), r);
}

/** rdma.max takes one "<device> hca_handle=N hca_object=M" line per device (same on v1 and v2). */
export function setRdma(dir: () => string, r: LinuxResources): void {
  for (const [dev, lim] of Object.entries(r.rdma ?? {})) {
    const h = lim.hcaHandles === undefined ? 'max' : String(lim.hcaHandles);
    const o = lim.hcaObjects === undefined ? 'max' : String(lim.hcaObjects);
    writeFile(dir(), 'rdma.max', `${dev} hca_handle=${h} hca_object=${o}`);
  }
}
