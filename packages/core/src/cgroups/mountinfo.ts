/**
 * Parsing of /proc/<pid>/mountinfo, reduced to what the cgroup managers need: where each
 * cgroup hierarchy is mounted, which controllers it carries, and which part of the
 * hierarchy the mount shows (its root, non-"/" inside a cgroup namespace or a bind mount).
 */
import * as fs from 'node:fs';

export interface MountEntry {
  /** The path inside the filesystem that is mounted (field 4). */
  root: string;
  mountPoint: string;
  fsType: string;
  /** Per-superblock options; for cgroup v1 they name the controllers ("rw,cpu,cpuacct"). */
  superOptions: string[];
}

/** Undoes the kernel's octal escaping of space, tab, newline and backslash in paths. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    if (left.length < 6 || right.length < 3) continue;
    out.push({
      root: unescape(left[3] ?? ''),
      mountPoint: unescape(left[4] ?? ''),
      fsType: right[0] ?? '',
      superOptions: (right[2] ?? '').split(','),
    });
  }
  return out;
}

export function readMountinfo(pid: number | 'self' = 'self'): MountEntry[] {
  return parseMountinfo(fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8'));
}

/** The mount that is visible at `mountPoint`: the last one listed there (later mounts stack on top). */
export function mountAt(mounts: MountEntry[], mountPoint: string): MountEntry | undefined {
  let found: MountEntry | undefined;
  for (const m of mounts) if (m.mountPoint === mountPoint) found = m;
  return found;
}

/**
 * The first cgroup v1 mount carrying `subsystem` (a controller like "cpu", or a named
 * hierarchy like "name=systemd"), as runc picks it.
 */
export function findV1Mount(mounts: MountEntry[], subsystem: string): MountEntry | undefined {
  return mounts.find((m) => m.fsType === 'cgroup' && m.superOptions.includes(subsystem));
}
