/**
 * CRI ContainerStats / PodSandboxStats from what is on the machine: CPU time and memory from the
 * container's cgroup (working set = usage - inactive file pages, as containerd and cadvisor
 * compute it), disk and inodes of its writable layer from the snapshotter. A CPU percentage
 * needs two samples: callers take them a moment apart (crictl does, over --seconds).
 */
import { runtimeRootForNamespace } from '../layout';
import { NotFoundError } from '../errors';
import { openMetadata } from '../metadata';
import { readRecord, recordCgroup } from '../runtime/container';
import { openSnapshotter } from '../snapshots';
import { listContainerViews, type CriContainerView } from './containers';
import { listSandboxes, type StoreDirs } from './sandbox';
import { CRI_NAMESPACE } from './sandbox-record';
import { idFilter } from './id-filter';

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
    memoryWorkingSet: 0, memoryRss: 0, diskUsed: 0, inodesUsed: 0, snapshotMountpoint: '',
  };
  if (s.running) {
    try {
      const cg = recordCgroup(readRecord(runtimeRootForNamespace(dirs.state, CRI_NAMESPACE), v.id));
      if (cg) {
        const st = cg.stats();
        s.cpuUsageCoreNs = st.cpu.usage.total;
        s.memoryUsage = st.memory.usage.usage;
        const inactive = st.memory.raw['total_inactive_file'] ?? st.memory.raw['inactive_file'] ?? 0;
        s.memoryWorkingSet = Math.max(0, s.memoryUsage - inactive);
        s.memoryRss = st.memory.raw['total_rss'] ?? st.memory.raw['anon'] ?? st.memory.raw['rss'] ?? 0;
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
    s.snapshotMountpoint = sn.name;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  return s;
}

/** ListContainerStats: every container matching the filter (ids whole or unique prefixes: idFilter). */
export function criContainerStats(dirs: StoreDirs, f: StatsFilter = {}): CriContainerStats[] {
  const views = listContainerViews(dirs);
  const byId = idFilter(views.map((v) => v.id), f.id);
  const byPod = idFilter(f.podId ? sandboxIds(dirs) : [], f.podId);
  return views
    .filter((v) => byId(v.id) && byPod(v.sandboxId) && Object.entries(f.labels ?? {}).every(([k, x]) => v.config.labels[k] === x))
    .map((v) => statsOf(dirs, v));
}

function sandboxIds(dirs: StoreDirs): string[] {
  const store = openMetadata(dirs.root);
  try {
    return listSandboxes(store).map((p) => p.id);
  } finally {
    store.close();
  }
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
  containers: CriContainerStats[];
}

/** ListPodSandboxStats: each pod's containers' figures summed (berth's pods have no pause process). */
export function criPodStats(dirs: StoreDirs, f: StatsFilter = {}): CriPodStats[] {
  const store = openMetadata(dirs.root);
  let pods;
  try {
    pods = listSandboxes(store);
  } finally {
    store.close();
  }
  const all = criContainerStats(dirs);
  const byId = idFilter(pods.map((p) => p.id), f.id);
  return pods.filter((p) => p.state === 'SANDBOX_READY' && byId(p.id)
    && Object.entries(f.labels ?? {}).every(([k, x]) => p.config.labels[k] === x)).map((p) => {
    const containers = all.filter((c) => c.podId === p.id && c.running);
    const m = p.config.metadata;
    return {
      id: p.id, name: m.name, namespace: m.namespace, uid: m.uid, attempt: m.attempt, labels: p.config.labels, annotations: p.config.annotations,
      timestamp: nowNs(), containers,
      cpuUsageCoreNs: containers.reduce((n, c) => n + c.cpuUsageCoreNs, 0),
      memoryWorkingSet: containers.reduce((n, c) => n + c.memoryWorkingSet, 0),
    };
  });
}
