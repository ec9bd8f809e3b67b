/**
 * CRI ContainerStats / PodSandboxStats from what is on the machine: CPU time and memory from the
 * container's cgroup (working set = usage - inactive file pages, as containerd and cadvisor
 * compute it), disk and inodes of its writable layer from the snapshotter. A CPU percentage
 * needs two samples: callers take them a moment apart (crictl does, over --seconds).
 */
import { runtimeRootForNamespace, snapshotterRoot } from '../layout';
import { NotFoundError } from '../errors';
import { readRecord, recordCgroup } from '../runtime/container';
import { openSnapshotter } from '../snapshots';
import { listContainerViews, type CriContainerView } from './containers';
import { readSandboxes, sandboxIds, type StoreDirs } from './sandbox-list';
import { CRI_NAMESPACE } from './sandbox-record';
import { idFilter } from './id-filter';
import { readSmallFile } from '../sys/small-file';

export interface CriContainerStats {
  id: string;
  name: string;
  attempt: number;
  podId: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  running: boolean;
  /** ns since the epoch, as a decimal string. */
  timestamp: string;
  cpuUsageCoreNs: number;
  memoryUsage: number;
  memoryWorkingSet: number;
  memoryRss: number;
  /** The limit less the working set, 0 without a limit (containerd's availableBytes). */
  memoryAvailable: number;
  pageFaults: number;
  majorPageFaults: number;
  /** Processes in the container's cgroup. */
  processes: number;
  /** The init's pid while it runs (the pod's network counters are read through it), else 0. */
  initPid: number;
  diskUsed: number;
  inodesUsed: number;
  snapshotMountpoint: string;
}

export interface StatsFilter {
  id?: string;
  podId?: string;
  labels?: Record<string, string>;
}

function nowNs(): string {
  return (BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)).toString();
}

function statsOf(dirs: StoreDirs, v: CriContainerView): CriContainerStats {
  const s: CriContainerStats = {
    id: v.id, name: v.config.metadata.name, attempt: v.config.metadata.attempt, podId: v.sandboxId, labels: v.config.labels,
    annotations: v.config.annotations, running: v.state === 'CONTAINER_RUNNING', timestamp: nowNs(), cpuUsageCoreNs: 0, memoryUsage: 0,
    memoryWorkingSet: 0, memoryRss: 0, memoryAvailable: 0, pageFaults: 0, majorPageFaults: 0, processes: 0, initPid: 0,
    diskUsed: 0, inodesUsed: 0, snapshotMountpoint: '',
  };
  if (s.running) {
    try {
      const rec = readRecord(runtimeRootForNamespace(dirs.state, CRI_NAMESPACE), v.id);
      s.initPid = rec.initPid;
      const cg = recordCgroup(rec);
      if (cg) {
        const st = cg.stats();
        const raw = st.memory.raw;
        s.cpuUsageCoreNs = st.cpu.usage.total;
        s.memoryUsage = st.memory.usage.usage;
        // v1's total_* count the cgroup's children too (containerd reads those); v2 has no prefix.
        const inactive = raw['total_inactive_file'] ?? raw['inactive_file'] ?? 0;
        s.memoryWorkingSet = Math.max(0, s.memoryUsage - inactive);
        s.memoryRss = raw['total_rss'] ?? raw['anon'] ?? raw['rss'] ?? 0;
        // Above 2^62 the limit is the kernel's "unlimited" (rounded): containerd says 0 then.
        const limit = st.memory.usage.limit;
        s.memoryAvailable = limit > 2 ** 62 ? 0 : Math.max(0, limit - s.memoryWorkingSet);
        s.pageFaults = raw['total_pgfault'] ?? raw['pgfault'] ?? 0;
        s.majorPageFaults = raw['total_pgmajfault'] ?? raw['pgmajfault'] ?? 0;
        s.processes = st.pids.current;
      }
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err; // exited meanwhile
    }
  }
  try {
    const sn = openSnapshotter(dirs.root, v.record.snapshotter || 'overlayfs', CRI_NAMESPACE);
    const u = sn.usage(v.record.snapshotKey || v.id);
    s.diskUsed = u.size;
    s.inodesUsed = u.inodes;
    // The snapshotter's root, as containerd reports it (and imagefsinfo does).
    s.snapshotMountpoint = snapshotterRoot(dirs.root, sn.name === 'native' ? 'native' : 'overlayfs');
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  return s;
}

/** ListContainerStats: every container matching the filter (ids whole or unique prefixes: idFilter). */
export function criContainerStats(dirs: StoreDirs, f: StatsFilter = {}): CriContainerStats[] {
  const views = listContainerViews(dirs);
  const byId = idFilter(views.map((v) => v.id), f.id);
  const byPod = idFilter(f.podId ? sandboxIds(dirs.root) : [], f.podId);
  return views
    .filter((v) => byId(v.id) && byPod(v.sandboxId) && Object.entries(f.labels ?? {}).every(([k, x]) => v.config.labels[k] === x))
    .map((v) => statsOf(dirs, v));
}

export interface CriPodStats {
  id: string;
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  timestamp: string;
  cpuUsageCoreNs: number;
  memoryWorkingSet: number;
  memoryUsage: number;
  memoryRss: number;
  pageFaults: number;
  majorPageFaults: number;
  processes: number;
  /** eth0 of the pod network while one of its containers runs (none with the host's network). */
  network: InterfaceUsage | undefined;
  containers: CriContainerStats[];
}

/** ListPodSandboxStats: each pod's containers' figures summed (berth's pods have no pause process). */
export function criPodStats(dirs: StoreDirs, f: StatsFilter = {}): CriPodStats[] {
  const pods = readSandboxes(dirs.root);
  const all = criContainerStats(dirs);
  const byId = idFilter(pods.map((p) => p.id), f.id);
  return pods.filter((p) => p.state === 'SANDBOX_READY' && byId(p.id)
    && Object.entries(f.labels ?? {}).every(([k, x]) => p.config.labels[k] === x)).map((p) => {
    const containers = all.filter((c) => c.podId === p.id && c.running);
    const m = p.config.metadata;
    return {
      id: p.id, name: m.name, namespace: m.namespace, uid: m.uid, attempt: m.attempt, labels: p.config.labels, annotations: p.config.annotations,
      timestamp: nowNs(), containers,
      cpuUsageCoreNs: sum(containers, (c) => c.cpuUsageCoreNs),
      memoryWorkingSet: sum(containers, (c) => c.memoryWorkingSet),
      memoryUsage: sum(containers, (c) => c.memoryUsage),
      memoryRss: sum(containers, (c) => c.memoryRss),
      pageFaults: sum(containers, (c) => c.pageFaults),
      majorPageFaults: sum(containers, (c) => c.majorPageFaults),
      processes: sum(containers, (c) => c.processes),
      network: p.netnsPath === '' ? undefined : podNetwork(containers.find((c) => c.initPid > 0)?.initPid),
    };
  });
}

function sum(list: CriContainerStats[], f: (c: CriContainerStats) => number): number {
  return list.reduce((n, c) => n + f(c), 0);
}

/** One interface's counters (CRI NetworkInterfaceUsage). */
export interface InterfaceUsage { name: string; rxBytes: number; rxErrors: number; txBytes: number; txErrors: number }

/**
 * The pod network's eth0 counters (containerd's default interface, the only one it reports), from
 * /proc/<pid>/net/dev of a process in it: berth's pods have no pause process, a running
 * container's init serves.
 */
function podNetwork(pid: number | undefined): InterfaceUsage | undefined {
  if (pid === undefined) return undefined;
  const text = readSmallFile(`/proc/${pid}/net/dev`);
  // "  eth0: rxBytes rxPackets rxErrs rxDrop rxFifo rxFrame rxCompressed rxMulticast txBytes txPackets txErrs ..."
  const line = text?.split('\n').find((l) => l.trimStart().startsWith('eth0:'));
  if (line === undefined) return undefined;
  const f = line.slice(line.indexOf(':') + 1).trim().split(/\s+/).map(Number);
  return { name: 'eth0', rxBytes: f[0] ?? 0, rxErrors: f[2] ?? 0, txBytes: f[8] ?? 0, txErrors: f[10] ?? 0 };
}
