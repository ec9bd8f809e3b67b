/**
 * cgroup v1 and v2 managers behind one interface (runc's libcontainer/cgroups/fs and fs2).
 * Only the cgroupfs driver exists: there is no systemd here, so callers must refuse
 * `--systemd-cgroup` themselves.
 */
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors';
import type { CgroupManager, CgroupVersion } from './types';
import { readMountinfo } from './mountinfo';
import { cgroupVersion, innerPath, v1Dirs, v1PathOf, v2PathFor } from './resolve';
import { V1Manager } from './v1';
import { UNIFIED_MOUNT, V2Manager } from './v2';

export type { CgroupManager, CgroupVersion } from './types';
export type { CgroupStats, CpuUsage, Throttling, CpusetStats, MemoryEntry, BlkioEntry, BlkioStats, HugetlbStats } from './stats';
export { runcStatsData, stringifyExact } from './stats';
export { cgroupVersion, swapControllerAvailable } from './resolve';
export { cpuSharesToWeight, blkioWeightToIoWeight, memorySwapToV2 } from './convert';

/** The manager for a container: `cgroupsPath` is the spec's linux.cgroupsPath, `id` the container id. */
export function cgroupManager(cgroupsPath: string | undefined, id: string): CgroupManager {
  const inner = innerPath(cgroupsPath, id);
  if (cgroupVersion() === 2) return new V2Manager(UNIFIED_MOUNT, v2PathFor(inner));
  const mounts = readMountinfo();
  const dirs = v1Dirs(inner, mounts);
  return new V1Manager(path.posix.isAbsolute(inner) ? inner : v1PathOf(dirs, mounts), dirs);
}

/**
 * Re-opens a manager from what state keeps. On v1, pass the saved paths() when the
 * cgroup was made from a relative cgroupsPath: its directories may differ per controller.
 */
export function loadCgroupManager(version: CgroupVersion, cgroupPath: string, paths?: Record<string, string>): CgroupManager {
  if (!path.posix.isAbsolute(cgroupPath)) throw new InvalidArgumentError(`cgroup path ${JSON.stringify(cgroupPath)}: must be absolute`);
  if (version === 2) return new V2Manager(UNIFIED_MOUNT, cgroupPath);
  return new V1Manager(cgroupPath, paths && Object.keys(paths).length > 0 ? { ...paths } : v1Dirs(cgroupPath));
}
