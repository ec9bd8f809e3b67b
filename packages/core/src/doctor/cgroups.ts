/**
 * cgroups: which version (v1, v1 hybrid with a cgroup2 mount, or v2), which controllers the
 * kernel has, and which are usable: mounted (v1) or enabled for children in the root's
 * cgroup.subtree_control (v2, "delegated").
 */
import * as fs from 'node:fs';
import { readMountinfo, findV1Mount, mountAt, type MountEntry } from '../cgroups/mountinfo';
import { finding, type DoctorCheck } from './types';

/** Controllers berth's cgroup managers set limits with; devices is required on v1 (runc refuses without). */
const WANTED_V1 = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'blkio', 'devices', 'freezer', 'hugetlb'];
const WANTED_V2 = ['cpu', 'cpuset', 'memory', 'pids', 'io', 'hugetlb'];

function readList(file: string): string[] | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return undefined;
  }
}

/** Controllers the kernel has enabled (/proc/cgroups' last column). */
function kernelControllers(): string[] {
  try {
    return fs.readFileSync('/proc/cgroups', 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split('\t')).filter((f) => f[3] === '1').map((f) => f[0]);
  } catch {
    return [];
  }
}

function v2Check(mountPoint: string): DoctorCheck {
  const available = readList(`${mountPoint}/cgroup.controllers`) ?? [];
  const delegated = readList(`${mountPoint}/cgroup.subtree_control`) ?? [];
  const missing = WANTED_V2.filter((c) => !available.includes(c));
  const notDelegated = WANTED_V2.filter((c) => available.includes(c) && !delegated.includes(c));
  const detail = `v2 at ${mountPoint}: controllers ${available.join(' ') || 'none'}; delegated ${delegated.join(' ') || 'none'}`
    + (missing.length ? `; missing ${missing.join(' ')}` : '') + (notDelegated.length ? `; not delegated ${notDelegated.join(' ')}` : '');
  const ok = !['memory', 'pids'].some((c) => missing.includes(c));
  const fixes: string[] = [];
  if (missing.length) fixes.push(`enable ${missing.join(', ')} in the kernel (boot with cgroup_enable=<name>)`);
  if (notDelegated.length) fixes.push(`echo "${notDelegated.map((c) => `+${c}`).join(' ')}" > ${mountPoint}/cgroup.subtree_control`);
  const c = finding('cgroups', true, ok, detail, fixes.join('; ') || undefined);
  // Controllers that exist but are not enabled for children limit less than asked: a warning.
  return c.status === 'ok' && (missing.length || notDelegated.length) ? { ...c, status: 'warn', fix: fixes.join('; ') } : c;
}

function v1Check(mounts: MountEntry[]): DoctorCheck {
  const kernel = kernelControllers();
  const hybrid = mountAt(mounts, '/sys/fs/cgroup/unified')?.fsType === 'cgroup2';
  // On a hybrid host a controller may be bound to the cgroup2 hierarchy instead (v1 cannot mount it then).
  const inV2 = hybrid ? readList('/sys/fs/cgroup/unified/cgroup.controllers') ?? [] : [];
  const mounted = WANTED_V1.filter((c) => findV1Mount(mounts, c));
  const unmounted = WANTED_V1.filter((c) => !mounted.includes(c) && !inV2.includes(c));
  const detail = `v1${hybrid ? ' hybrid (cgroup2 at /sys/fs/cgroup/unified)' : ''}: mounted ${mounted.join(' ') || 'none'}`
    + (inV2.length ? `; in cgroup2 ${inV2.join(' ')}` : '') + (unmounted.length ? `; not mounted ${unmounted.join(' ')}` : '');
  const ok = ['devices', 'memory', 'pids'].every((c) => mounted.includes(c));
  const fix = unmounted.map((c) => (kernel.includes(c)
    ? `mount -t cgroup -o ${c} cgroup /sys/fs/cgroup/${c}`
    : `${c}: not in the kernel (CONFIG_CGROUP_*)`)).join('; ');
  const c = finding('cgroups', true, ok, detail, fix || undefined);
  return c.status === 'ok' && unmounted.length ? { ...c, status: 'warn', fix } : c;
}

export function checkCgroups(mounts: MountEntry[] = readMountinfo()): DoctorCheck {
  const top = mountAt(mounts, '/sys/fs/cgroup');
  if (top?.fsType === 'cgroup2') return v2Check('/sys/fs/cgroup');
  if (mounts.some((m) => m.fsType === 'cgroup')) return v1Check(mounts);
  return finding('cgroups', true, false, 'no cgroup filesystem is mounted under /sys/fs/cgroup',
    'mount -t cgroup2 none /sys/fs/cgroup (or boot a systemd distribution, which mounts it)');
}
