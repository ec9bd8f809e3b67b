/** Device nodes for a spec: one host path (ctr --device), or every host device (--privileged). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../errors';
import type { LinuxDevice, LinuxDeviceCgroup } from '../oci/types';

/** Directories of /dev that hold no devices to pass on (containerd's HostDevices skips them). */
const SKIP_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** glibc's major()/minor() of a dev_t. */
function major(rdev: number): number {
  return Number(((BigInt(rdev) >> 8n) & 0xfffn) | ((BigInt(rdev) >> 32n) & ~0xfffn));
}

function minor(rdev: number): number {
  return Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & ~0xffn));
}

/** The device at `hostPath`, or undefined when it is not a device node (not followed if a symlink). */
export function deviceFromPath(hostPath: string, containerPath = hostPath): LinuxDevice | undefined {
  const st = fs.lstatSync(hostPath);
  let type: string;
  if (st.isBlockDevice()) type = 'b';
  else if (st.isCharacterDevice()) type = 'c';
  else return undefined;
  return { path: containerPath, type, major: major(st.rdev), minor: minor(st.rdev), fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
}

function walk(dir: string, out: LinuxDevice[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(p, out);
      continue;
    }
    if (e.name === 'console') continue;
    try {
      const d = deviceFromPath(p);
      if (d) out.push(d);
    } catch {
      // Gone since the readdir: skip it.
    }
  }
}

/** Every device node under `dir` (/dev by default), in path order. */
export function hostDevices(dir = '/dev'): LinuxDevice[] {
  const out: LinuxDevice[] = [];
  walk(dir, out);
  return out;
}

export function deviceRule(d: LinuxDevice, access: string): LinuxDeviceCgroup {
  return { allow: true, type: d.type, major: d.major, minor: d.minor, access };
}

/** `--device <path>`: the node (or every node under a directory) with an allow rule for each. */
export function devicesFromHostPath(hostPath: string): LinuxDevice[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(hostPath);
  } catch {
    throw new NotFoundError(`device ${hostPath}: no such file or directory`);
  }
  if (st.isDirectory()) return hostDevices(hostPath);
  const d = deviceFromPath(fs.realpathSync(hostPath), hostPath);
  if (!d) throw new InvalidArgumentError(`device ${hostPath}: not a device node`);
  return [d];
}
