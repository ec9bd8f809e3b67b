// Small readers of /proc and cgroupfs shared by cleanup and leak checks. Synchronous on purpose:
// they also run from process 'exit' handlers.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

const unescapeOctal = (s) => s.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));

/** Parsed /proc/<pid>/mountinfo: [{ id, parent, root, mountPoint, fstype, source }]. */
export function readMountinfo(pid = 'self') {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/mountinfo`, 'utf8');
  } catch {
    return [];
  }
  const out = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const f = line.split(' ');
    const sep = f.indexOf('-', 6);
    out.push({
      id: Number(f[0]),
      parent: Number(f[1]),
      root: unescapeOctal(f[3]),
      mountPoint: unescapeOctal(f[4]),
      fstype: sep > 0 ? f[sep + 1] : '',
      source: sep > 0 ? unescapeOctal(f[sep + 2] ?? '') : '',
    });
  }
  return out;
}

/** Where this host mounts the cgroup2 hierarchy (/sys/fs/cgroup/unified on a hybrid one), or null. */
export function unifiedCgroupMount() {
  return readMountinfo().find((m) => m.fstype === 'cgroup2')?.mountPoint ?? null;
}

/** Is `p` the directory `dir` or inside it. */
export function isUnder(p, dir) {
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/** Mount points of every cgroup hierarchy (v1 controllers, name=systemd, cgroup2) we can see. */
export function cgroupMounts() {
  const seen = new Set();
  for (const m of readMountinfo()) {
    if (m.fstype === 'cgroup' || m.fstype === 'cgroup2') seen.add(m.mountPoint);
  }
  return [...seen];
}

/** Every directory below `root` (not `root` itself), parents before children. */
export function walkDirs(root, maxDepth = 12) {
  const out = [];
  const visit = (dir, depth) => {
    if (depth > maxDepth) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const p = join(dir, e.name);
      out.push(p);
      visit(p, depth + 1);
    }
  };
  visit(root, 0);
  return out;
}

export function listPids() {
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
}

export function readCmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat: start time in clock ticks, to tell a pid from its reuse. */
export function procStartTime(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export function procState(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

export function readFileOr(path, fallback = null) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

export function readlinkOr(path, fallback = null) {
  try {
    return readlinkSync(path);
  } catch {
    return fallback;
  }
}

/** Block the thread for `ms` (cleanup is synchronous so it can run in an 'exit' handler). */
export function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
