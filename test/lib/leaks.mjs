// Leak detection: after a test, nothing named with its prefix may remain mounted, as a cgroup,
// or as a process. Container processes keep no trace of their id in their cmdline (`sleep 100`),
// so a process also counts when its cgroup path carries the prefix or its mount namespace is
// rooted in our temp root (a bundle's rootfs). Zombies are not counted.
import { AssertionError } from 'node:assert';
import { ID_PREFIX, findOurCgroups } from './cleanup.mjs';
import { tempRootIfMade } from './tempdir.mjs';
import {
  isUnder, listPids, procState, readCmdline, readFileOr, readMountinfo, readlinkOr, sleepSync,
} from './procfs.mjs';

function leakedMounts(prefix, root) {
  return readMountinfo()
    .filter((m) => m.mountPoint.includes(prefix) || (root !== null && isUnder(m.mountPoint, root)))
    .map((m) => `${m.mountPoint} (${m.fstype} ${m.source})`);
}

function leakedProcesses(prefix, root) {
  const out = [];
  const ownNs = readlinkOr('/proc/self/ns/mnt');
  const nsVerdict = new Map(); // mnt ns -> does it reference our bundles
  const mentionsUs = (s) => s.includes(prefix) || (root !== null && s.includes(root));
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    const cmd = readCmdline(pid);
    if (cmd === null) continue; // gone
    // A zombie holds nothing but its pid; reaping it is its parent's job (here often a slow
    // PID 1, when the container was re-parented to it).
    const state = procState(pid);
    if (state === 'Z' || state === 'X' || state === null) continue;
    let why = null;
    if (cmd.includes(prefix)) why = 'cmdline';
    if (!why) {
      const cg = readFileOr(`/proc/${pid}/cgroup`, '') ?? '';
      if (cg.split('\n').some((l) => l.split('/').some((seg) => seg.startsWith(prefix)))) why = 'cgroup';
    }
    if (!why) {
      const ns = readlinkOr(`/proc/${pid}/ns/mnt`);
      if (ns && ns !== ownNs) {
        if (!nsVerdict.has(ns)) {
          nsVerdict.set(ns, readMountinfo(pid).some((m) => mentionsUs(m.root) || mentionsUs(m.mountPoint)));
        }
        if (nsVerdict.get(ns)) why = 'mount namespace';
      }
    }
    if (why) out.push(`pid ${pid} [${state}] ${JSON.stringify(cmd)} (${why})`);
  }
  return out;
}

/** { mounts, cgroups, processes }: descriptions of what is left that carries `prefix`. */
export function findLeaks(prefix = ID_PREFIX, { includeTempRoot = true } = {}) {
  const root = includeTempRoot ? tempRootIfMade() : null;
  return {
    mounts: leakedMounts(prefix, root),
    cgroups: findOurCgroups((rel) => rel.split('/').some((seg) => seg.startsWith(prefix))),
    processes: leakedProcesses(prefix, root),
  };
}

const isEmpty = (l) => l.mounts.length + l.cgroups.length + l.processes.length === 0;

/**
 * Throw an AssertionError listing every mount, cgroup and process left that carries `prefix`
 * (default: this test process's id prefix) or lives under the temp root. Retries for up to
 * `settleMs` first: a killed container takes a moment to be reaped.
 */
export function assertNoLeaks(prefix = ID_PREFIX, { settleMs = 2000, includeTempRoot = true } = {}) {
  const deadline = Date.now() + settleMs;
  let leaks = findLeaks(prefix, { includeTempRoot });
  while (!isEmpty(leaks) && Date.now() < deadline) {
    sleepSync(100);
    leaks = findLeaks(prefix, { includeTempRoot });
  }
  if (isEmpty(leaks)) return;
  const lines = [];
  for (const [kind, list] of Object.entries(leaks)) for (const item of list) lines.push(`  ${kind}: ${item}`);
  throw new AssertionError({ message: `leaked resources for ${prefix}:\n${lines.join('\n')}` });
}
