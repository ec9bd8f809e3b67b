// A registry of everything a test makes (containers, pids, mounts, cgroups, temp dirs) and the
// synchronous routine that removes it all. Synchronous so the same code runs from node:test
// `after` hooks and from the process 'exit'/signal handlers when a test file dies half-way.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { after as suiteAfter } from 'node:test';
import { basename, join } from 'node:path';
import { binPath, childEnv } from './repo.mjs';
import { tempRootIfMade } from './tempdir.mjs';
import {
  cgroupMounts, isUnder, procStartTime, readFileOr, readMountinfo, sleepSync, walkDirs,
} from './procfs.mjs';

/** Every id, cgroup or mount name made by this test process starts with this. */
export const ID_PREFIX = `berth-t-${process.pid}-`;

let counter = 0;
/** `berth-t-<pid>-<counter>`: unique per test process, recognisable by leak checks. */
export function uniqueId() {
  counter += 1;
  return `${ID_PREFIX}${counter}`;
}

const registry = {
  containers: [], // { tool, root, id, deleteArgs }
  pids: new Map(), // pid -> start time
  mounts: new Set(),
  cgroups: new Set(), // cgroup paths relative to a hierarchy, e.g. 'berth-t-1-2' or 'a/b'
  tempDirs: new Set(),
};

/**
 * Remember a container so cleanup runs `<tool> [--root R] delete -f <id>` for it.
 * `deleteArgs` replaces `['delete', '-f', id]` for tools with another syntax (ctr, crictl).
 */
export function trackContainer({ tool, root, id, deleteArgs }) {
  registry.containers.push({ tool, root, id, deleteArgs });
  registry.cgroups.add(id); // runc's default cgroup is named after the container
  return id;
}

/** Forget a container the test deleted itself (saves a `delete -f` per container later). */
export function untrackContainer(id, root) {
  registry.containers = registry.containers.filter((c) => c.id !== id || (root !== undefined && c.root !== root));
}

/** Remember a pid we started; cleanup kills it only if it is still that process. */
export function trackPid(pid) {
  registry.pids.set(pid, procStartTime(pid));
  return pid;
}

export function untrackPid(pid) {
  registry.pids.delete(pid);
}

export function trackMount(path) {
  registry.mounts.add(path);
  return path;
}

export function trackCgroup(relPath) {
  registry.cgroups.add(relPath.replace(/^\/+|\/+$/g, ''));
  return relPath;
}

export function trackTempDir(path) {
  registry.tempDirs.add(path);
  return path;
}

function deleteContainers(problems) {
  const list = registry.containers.splice(0).reverse();
  for (const c of list) {
    const args = [...(c.root ? ['--root', c.root] : []), ...(c.deleteArgs ?? ['delete', '-f', c.id])];
    // A non-zero exit usually means the test already deleted it; leftovers are caught below.
    const r = spawnSync(binPath(c.tool), args, { stdio: 'ignore', timeout: 30_000, env: childEnv() });
    if (r.error && r.error.code === 'ETIMEDOUT') problems.push(`${c.tool} delete ${c.id}: timed out`);
  }
}

function killTrackedPids(problems) {
  for (const [pid, start] of registry.pids) {
    if (start !== null && procStartTime(pid) === start) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (e) {
        if (e.code !== 'ESRCH') problems.push(`kill ${pid}: ${e.code}`);
      }
    }
  }
  for (let i = 0; i < 40; i += 1) {
    const alive = [...registry.pids].filter(([pid, start]) => start !== null && procStartTime(pid) === start);
    if (alive.length === 0) break;
    sleepSync(50);
  }
  registry.pids.clear();
}

function ourMount(m, root) {
  if (root && isUnder(m.mountPoint, root)) return true;
  if (m.mountPoint.includes(ID_PREFIX)) return true;
  for (const p of registry.mounts) if (isUnder(m.mountPoint, p)) return true;
  return false;
}

function unmountOurs(problems) {
  const root = tempRootIfMade();
  for (let pass = 0; pass < 5; pass += 1) {
    const ours = readMountinfo().filter((m) => ourMount(m, root));
    if (ours.length === 0) break;
    // Deepest first, then newest first (stacked mounts on one point).
    ours.sort((a, b) => b.mountPoint.split('/').length - a.mountPoint.split('/').length || b.id - a.id);
    for (const m of ours) spawnSync('umount', ['--lazy', m.mountPoint], { stdio: 'ignore' });
    if (pass === 4) problems.push(`mounts left: ${ours.map((m) => m.mountPoint).join(', ')}`);
  }
  registry.mounts.clear();
}

function ourCgroup(rel) {
  if (basename(rel).startsWith(ID_PREFIX)) return true;
  for (const name of registry.cgroups) if (rel === name || rel.endsWith(`/${name}`)) return true;
  return false;
}

/** Our cgroup directories (with their sub-cgroups), deepest first. */
export function findOurCgroups(match = ourCgroup) {
  const out = [];
  for (const mnt of cgroupMounts()) {
    const dirs = walkDirs(mnt);
    const roots = dirs.filter((d) => match(d.slice(mnt.length + 1)));
    for (const d of dirs) if (roots.some((r) => isUnder(d, r))) out.push(d);
  }
  return [...new Set(out)].sort((a, b) => b.split('/').length - a.split('/').length);
}

function cgroupPids(dir) {
  return (readFileOr(join(dir, 'cgroup.procs'), '') ?? '').split('\n').filter(Boolean).map(Number);
}

function removeOurCgroups(problems) {
  const dirs = findOurCgroups();
  // The processes in cgroups named with our prefix are containers our tests made: thaw, kill.
  for (const d of dirs) {
    if (existsSync(join(d, 'freezer.state'))) {
      try { writeFileSync(join(d, 'freezer.state'), 'THAWED'); } catch { /* not frozen */ }
    }
    if (existsSync(join(d, 'cgroup.freeze'))) {
      try { writeFileSync(join(d, 'cgroup.freeze'), '0'); } catch { /* not frozen */ }
    }
    for (const pid of cgroupPids(d)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
  for (const d of dirs) {
    let lastErr = null;
    for (let i = 0; i < 40; i += 1) {
      try {
        rmdirSync(d);
        lastErr = null;
        break;
      } catch (e) {
        if (e.code === 'ENOENT') { lastErr = null; break; }
        lastErr = e;
        sleepSync(50);
      }
    }
    if (lastErr) problems.push(`cgroup ${d}: ${lastErr.code}`);
  }
  registry.cgroups.clear();
}

/** rm -rf that refuses to descend into anything still mounted (it could be the host's /). */
export function removeTree(dir, problems = []) {
  if (!existsSync(dir)) return problems;
  const mounted = readMountinfo().filter((m) => isUnder(m.mountPoint, dir));
  if (mounted.length > 0) {
    problems.push(`not removing ${dir}: still mounted ${mounted.map((m) => m.mountPoint).join(', ')}`);
    return problems;
  }
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch (e) {
    problems.push(`remove ${dir}: ${e.code ?? e.message}`);
  }
  return problems;
}

function removeTempDirs(problems) {
  for (const d of [...registry.tempDirs].reverse()) removeTree(d, problems);
  registry.tempDirs.clear();
}

/** Clean everything registered so far; returns a list of what could not be cleaned. */
export function cleanupAll() {
  const problems = [];
  deleteContainers(problems);
  killTrackedPids(problems);
  unmountOurs(problems);
  removeOurCgroups(problems);
  removeTempDirs(problems);
  return problems;
}

/**
 * Run cleanupAll in an `after` hook of the given TestContext or, without one, of the file's
 * top-level suite. A cleanup that leaves something behind fails the hook.
 */
export function registerCleanup(t) {
  const hook = () => {
    const problems = cleanupAll();
    if (problems.length > 0) throw new Error(`cleanup left: ${problems.join('; ')}`);
  };
  if (t && typeof t.after === 'function') t.after(hook);
  else suiteAfter(hook);
}

/**
 * The namespaces' own cgroups: ctr, crictl and containerd's shims put a container in
 * `/<namespace>/<id>` and leave `/<namespace>` when it goes, as containerd does. A test file
 * removes, when it ends, those it made (absent when it started) and that are empty then; one that
 * holds a container of someone else's stays (rmdir fails).
 */
const NAMESPACE_CGROUPS = ['default', 'k8s.io'];
const namespaceCgroupsBefore = new Set(namespaceCgroupDirs().filter((d) => existsSync(d)));

function namespaceCgroupDirs() {
  return cgroupMounts().flatMap((m) => NAMESPACE_CGROUPS.map((n) => join(m, n)));
}

function removeNamespaceCgroups() {
  for (const d of namespaceCgroupDirs()) {
    if (namespaceCgroupsBefore.has(d)) continue;
    try { rmdirSync(d); } catch { /* absent, or holds cgroups still */ }
  }
}

// Last resort when a test file exits or is interrupted: clean, then drop the temp root.
function finalCleanup() {
  const problems = cleanupAll();
  removeNamespaceCgroups();
  const root = tempRootIfMade();
  if (root) removeTree(root, problems);
  if (problems.length > 0) process.stderr.write(`berth test cleanup: ${problems.join('; ')}\n`);
}

process.once('exit', finalCleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    finalCleanup();
    process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 })[sig]);
  });
}

/** For tests of the harness itself. */
export function registrySnapshot() {
  return {
    containers: registry.containers.map((c) => ({ ...c })),
    pids: [...registry.pids.keys()],
    mounts: [...registry.mounts],
    cgroups: [...registry.cgroups],
    tempDirs: [...registry.tempDirs],
  };
}

