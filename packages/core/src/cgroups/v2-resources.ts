/**
 * Applying OCI linux.resources to a cgroup v2 directory, as runc's fs2 does, with runc's
 * conversions from v1-style values (see convert.ts). Knobs with no v2 equivalent are
 * skipped as runc 1.1 skips them: memory.swappiness, memory.disableOOMKiller,
 * memory.kernel*, cpu.realtime*, blockIO.leafWeight. Device rules need eBPF (devices.ts).
 */
import * as path from 'node:path';
import type { LinuxBlockIO, LinuxResources, LinuxThrottleDevice } from '../oci/types';
import { InvalidArgumentError, SysError, UnsupportedError } from '../errors';
import { blkioWeightToIoWeight, cpuSharesToWeight, memorySwapToV2 } from './convert';
import { exists, readFileIfExists, writeFile } from './files';
import { setRdma } from './v1-resources';

/** -1 is "max"; 0 is "not set". */
function numToStr(n: number): string {
  if (n === 0) return '';
  return n === -1 ? 'max' : String(n);
}

/**
 * Writes a knob, explaining a missing file by a controller that is not enabled for this
 * cgroup (the commonest cause on v2) rather than by "no such file".
 */
function write(dir: string, file: string, value: string): void {
  try {
    writeFile(dir, file, value);
  } catch (e) {
    if (e instanceof SysError && e.errno === 'ENOENT') {
      const ctrl = file.split('.')[0] ?? file;
      const enabled = (readFileIfExists(dir, 'cgroup.controllers') ?? '').trim().split(/\s+/);
      if (ctrl !== 'cgroup' && !enabled.includes(ctrl)) {
        throw new UnsupportedError(`cgroup ${file}: cannot set ${value}: controller ${ctrl} is not enabled in ${dir}`);
      }
    }
    throw e;
  }
}

function setMemory(dir: string, r: LinuxResources): void {
  const m = r.memory;
  if (!m || !(m.limit || m.swap || m.reservation)) return;
  const limit = m.limit ?? 0;
  const swapIn = m.swap ?? 0;
  const swap = memorySwapToV2(swapIn, limit);
  let swapStr = numToStr(swap);
  // swap == limit means "no swap at all", which is 0 on v2 rather than "leave unset".
  if (swapStr === '' && swap === 0 && swapIn > 0) swapStr = '0';
  // Swap first: memory.max can fail (EBUSY) when usage is above it, and then swap is already right.
  if (swapStr !== '') write(dir, 'memory.swap.max', swapStr);
  const limitStr = numToStr(limit);
  if (limitStr !== '') write(dir, 'memory.max', limitStr);
  const low = numToStr(m.reservation ?? 0);
  if (low !== '') write(dir, 'memory.low', low);
}

function setCpu(dir: string, r: LinuxResources): void {
  const c = r.cpu;
  if (!c) return;
  if (c.idle !== undefined && c.idle !== null) write(dir, 'cpu.idle', String(c.idle));
  const weight = cpuSharesToWeight(c.shares ?? 0);
  if (weight !== 0) write(dir, 'cpu.weight', String(weight));
  const quota = c.quota ?? 0;
  const period = c.period ?? 0;
  let burstLater = false;
  if (c.burst !== undefined && c.burst !== null) {
    try {
      write(dir, 'cpu.max.burst', String(c.burst));
    } catch (e) {
      // A burst larger than the current quota allows is refused until the new quota is in.
      if (!(e instanceof SysError && e.errno === 'EINVAL' && quota !== 0)) throw e;
      burstLater = true;
    }
  }
  if (quota !== 0 || period !== 0) {
    // cpu.max is "$QUOTA $PERIOD"; the kernel's default period is 100ms.
    write(dir, 'cpu.max', `${quota > 0 ? String(quota) : 'max'} ${period || 100000}`);
    if (burstLater) write(dir, 'cpu.max.burst', String(c.burst));
  }
}

function setCpuset(dir: string, r: LinuxResources): void {
  if (r.cpu?.cpus) write(dir, 'cpuset.cpus', r.cpu.cpus);
  if (r.cpu?.mems) write(dir, 'cpuset.mems', r.cpu.mems);
}

function setIo(dir: string, b: LinuxBlockIO | undefined): void {
  if (!b) return;
  // With the BFQ scheduler the weight knob is io.bfq.weight and takes blkio's own scale.
  const bfq = exists(path.join(dir, 'io.bfq.weight'));
  if (b.weight) {
    if (bfq) write(dir, 'io.bfq.weight', String(b.weight));
    else write(dir, 'io.weight', String(blkioWeightToIoWeight(b.weight)));
  }
  if (bfq) {
    // Per-device weights exist only in io.bfq.weight ("default 100" + "maj:min weight" lines).
    for (const wd of b.weightDevice ?? []) {
      if (wd.weight) write(dir, 'io.bfq.weight', `${wd.major}:${wd.minor} ${wd.weight}`);
    }
  }
  const throttle: [LinuxThrottleDevice[] | undefined, string][] = [
    [b.throttleReadBpsDevice, 'rbps'], [b.throttleWriteBpsDevice, 'wbps'],
    [b.throttleReadIOPSDevice, 'riops'], [b.throttleWriteIOPSDevice, 'wiops'],
  ];
  for (const [list, key] of throttle) {
    for (const td of list ?? []) write(dir, 'io.max', `${td.major}:${td.minor} ${key}=${td.rate}`);
  }
}

function setUnified(dir: string, unified: Record<string, string> | undefined): void {
  for (const [key, value] of Object.entries(unified ?? {})) {
    if (key.includes('/') || key === '.' || key === '..') {
      throw new InvalidArgumentError(`cgroup unified resource ${JSON.stringify(key)}: must be a file name (no slashes)`);
    }
    if (!key.includes('.')) {
      throw new InvalidArgumentError(`cgroup unified resource ${JSON.stringify(key)}: must be in the form CONTROLLER.PARAMETER`);
    }
    write(dir, key, value);
  }
}

export function setV2(dir: string, r: LinuxResources): void {
  if (r.pids && r.pids.limit !== 0) write(dir, 'pids.max', numToStr(r.pids.limit < 0 ? -1 : r.pids.limit));
  setMemory(dir, r);
  setIo(dir, r.blockIO);
  setCpu(dir, r);
  // r.devices: skipped, see devices.ts (needs an eBPF device filter on v2).
  setCpuset(dir, r);
  for (const h of r.hugepageLimits ?? []) write(dir, `hugetlb.${h.pageSize}.max`, String(h.limit));
  setRdma(() => dir, r);
  if (r.network?.classID || r.network?.priorities?.length) {
    throw new UnsupportedError('cgroup: linux.resources.network (net_cls/net_prio) does not exist on cgroup v2');
  }
  // Last, so that explicit unified keys override the converted values above (as runc).
  setUnified(dir, r.unified);
}
