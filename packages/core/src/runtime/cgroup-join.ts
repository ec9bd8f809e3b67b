/** Moving the init stage into the container's cgroup, and what its `cgroup` mounts bind. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CgroupManager } from '../cgroups';
import { readMountinfo } from '../cgroups/mountinfo';
import { InitError } from './converse';
import type { InitConfig } from './sync';

/**
 * Which cgroup.procs files we write the init's pid to now, and which the init writes itself
 * later: the memory hierarchy (or the single v2 one) waits for the init's own start-up. In a
 * user namespace the init asks us to move it (its pid is only known then), so nothing is early.
 */
export function splitCgroupJoin(files: string[], viaParent: boolean): [string[], string[]] {
  if (viaParent) return [[], files];
  const late = files.filter((f) => f.includes('/memory/') || files.length === 1);
  return [files.filter((f) => !late.includes(f)), late];
}

export function writeProcs(file: string, pid: number): void {
  try {
    fs.writeFileSync(file, String(pid));
  } catch (err) {
    // The named hierarchies (name=systemd, the hybrid cgroup2 mount) may refuse, as runc tolerates.
    if (!file.includes('/unified/') && !file.includes('/systemd/')) throw new InitError(`cannot move the init into cgroup ${file}: ${(err as Error).message}`);
  }
}

/** What a `cgroup` mount in the container binds: each hierarchy's mount name and the container's dir in it. */
export function cgroupMounts(cg: CgroupManager): InitConfig['cgroupMounts'] {
  const paths = cg.paths();
  if (cg.version === 2) return [{ name: '', dir: paths[''] }];
  // In the host's mount order, as runc lists them; the hybrid cgroup2 mount ("") carries no controllers here.
  const out: InitConfig['cgroupMounts'] = [];
  for (const m of readMountinfo()) {
    if (m.fsType !== 'cgroup') continue;
    const controller = Object.keys(paths).find((c) => c !== '' && m.superOptions.includes(c));
    const name = path.basename(m.mountPoint);
    if (controller && !out.some((e) => e.name === name)) out.push({ name, dir: paths[controller] });
  }
  return out;
}
