/**
 * Which cgroup version the host runs, and where linux.cgroupsPath lands, following runc 1.1
 * with the cgroupfs (non-systemd) driver:
 *
 * - the path is cleaned first (a relative one can never climb out with "..");
 * - empty means the container id, as a *relative* path;
 * - absolute: below each hierarchy's mount point ("/a/b" -> /sys/fs/cgroup/memory/a/b);
 * - relative on v1: below the creating process's own cgroup in each hierarchy (so the
 *   directories can differ per controller, which is why state keeps paths() on v1);
 * - relative on v2: below the *parent* of the process's own cgroup (its own one usually
 *   holds processes, so controllers could not be enabled for children there);
 * - on a hybrid host the v1 manager also joins the cgroup2 mount (key ""), and there a
 *   relative path is taken from that mount's root, as runc does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UnsupportedError } from '../errors';
import type { CgroupVersion } from './types';
import { cleanPath } from './cleanpath';
import { findV1Mount, mountAt, readMountinfo, type MountEntry } from './mountinfo';
import { readProcCgroup } from './proccgroup';
import { V1_SUBSYSTEMS } from './v1';
import { UNIFIED_MOUNT } from './v2';

export const HYBRID_MOUNT = '/sys/fs/cgroup/unified';

let versionCache: CgroupVersion | undefined;

/** 2 iff /sys/fs/cgroup itself is a cgroup2 mount (unified mode); hybrid counts as 1. */
export function cgroupVersion(): CgroupVersion {
  versionCache ??= mountAt(readMountinfo(), UNIFIED_MOUNT)?.fsType === 'cgroup2' ? 2 : 1;
  return versionCache;
}

let swapCache: boolean | undefined;

/**
 * Whether the host can limit swap, as containerd's SwapControllerAvailable asks: v1's
 * memory.memsw files (swap accounting on), or on v2 memory.swap.max in our own cgroup (the root
 * has none).
 */
export function swapControllerAvailable(): boolean {
  if (swapCache !== undefined) return swapCache;
  const mounts = readMountinfo();
  if (cgroupVersion() === 1) {
    const m = findV1Mount(mounts, 'memory');
    swapCache = m !== undefined && fs.existsSync(path.posix.join(m.mountPoint, 'memory.memsw.limit_in_bytes'));
  } else {
    swapCache = fs.existsSync(path.posix.join(UNIFIED_MOUNT, readProcCgroup().get('') ?? '/', 'memory.swap.max'));
  }
  return swapCache;
}

export function isHybrid(mounts: MountEntry[]): boolean {
  return mountAt(mounts, HYBRID_MOUNT)?.fsType === 'cgroup2';
}

/** The cleaned inner path for a spec's cgroupsPath; an empty one becomes the id (relative). */
export function innerPath(cgroupsPath: string | undefined, id: string): string {
  return cleanPath(cgroupsPath ?? '') || cleanPath(id);
}

/** Joins a hierarchy-relative path under a mount point. */
function under(mountPoint: string, rel: string): string {
  return path.posix.join(mountPoint, rel);
}

/**
 * v1: controller -> directory for `inner`. A controller that is not mounted is left out,
 * except devices, without which a container would get access to every device.
 */
export function v1Dirs(inner: string, mounts: MountEntry[] = readMountinfo()): Record<string, string> {
  const abs = path.posix.isAbsolute(inner);
  const own = abs ? undefined : readProcCgroup();
  const dirs: Record<string, string> = {};
  for (const sub of V1_SUBSYSTEMS) {
    const m = findV1Mount(mounts, sub);
    if (!m) {
      if (sub === 'devices') throw new UnsupportedError('cgroup devices: controller is not mounted (needed to confine the container\'s devices)');
      continue;
    }
    if (abs) {
      dirs[sub] = under(m.mountPoint, inner);
      continue;
    }
    const mine = own?.get(sub);
    if (mine === undefined) continue; // not in this process's view: runc skips it too
    dirs[sub] = under(under(m.mountPoint, path.posix.relative(m.root, mine)), inner);
  }
  if (isHybrid(mounts)) dirs[''] = under(HYBRID_MOUNT, inner);
  return dirs;
}

/**
 * The one path a v1 manager reports: the hierarchy-relative path most controllers share
 * (they all share it unless a relative path met per-controller own cgroups).
 */
export function v1PathOf(dirs: Record<string, string>, mounts: MountEntry[]): string {
  const counts = new Map<string, number>();
  for (const [sub, dir] of Object.entries(dirs)) {
    const mp = sub === '' ? HYBRID_MOUNT : findV1Mount(mounts, sub)?.mountPoint;
    if (!mp) continue;
    const rel = '/' + path.posix.relative(mp, dir);
    counts.set(rel, (counts.get(rel) ?? 0) + 1);
  }
  let best = '/';
  let n = 0;
  for (const [rel, c] of counts) if (c > n) [best, n] = [rel, c];
  return best;
}

/** v2: the cgroup's path inside the unified hierarchy. */
export function v2PathFor(inner: string): string {
  if (path.posix.isAbsolute(inner)) return inner;
  const own = readProcCgroup().get('') ?? '/';
  return path.posix.join(path.posix.dirname(own), inner);
}
