/**
 * `ctr plugins ls` for berth: the components berth really has, named by the containerd plugin
 * they stand in for (type, id), with each snapshotter's status probed on this machine
 * (snapshots/probe.ts). There is no daemon loading plugins: "ok" means the component works here.
 */
import * as path from 'node:path';
import { formatPlatform, hostPlatform } from '../images/platform';
import { contentPaths, metadataPaths } from '../layout';
import { probeSnapshotters, type ProbeStatus } from '../snapshots/probe';

export interface PluginInfo {
  type: string;
  id: string;
  requires: string[];
  platforms: string[];
  exports: Record<string, string>;
  capabilities: string[];
  status: ProbeStatus;
  /** The init error, as containerd reports it (ends in "skip plugin" for a skipped plugin). */
  error?: string;
}

function plugin(type: string, id: string, more: Partial<PluginInfo> = {}): PluginInfo {
  return { type, id, requires: [], platforms: [], exports: {}, capabilities: [], status: 'ok', ...more };
}

export function listPlugins(root: string, state: string, opts: { devmapperPool?: string } = {}): PluginInfo[] {
  const platform = formatPlatform(hostPlatform());
  const snapshotters = probeSnapshotters(root, opts).map((p) => plugin('io.containerd.snapshotter.v1', p.id, {
    platforms: [platform],
    status: p.status,
    ...(p.status === 'ok' ? { exports: { root: p.root } } : {}),
    ...(p.error !== undefined ? { error: p.error } : {}),
  }));
  return [
    plugin('io.containerd.content.v1', 'content', { exports: { root: contentPaths(root).dir } }),
    ...snapshotters,
    // containerd's bolt database; berth keeps the same records in SQLite.
    plugin('io.containerd.metadata.v1', 'sqlite', {
      requires: ['io.containerd.content.v1', 'io.containerd.snapshotter.v1'],
      exports: { path: metadataPaths(root).db },
    }),
    plugin('io.containerd.differ.v1', 'walking', { requires: ['io.containerd.metadata.v1'], platforms: [platform] }),
    plugin('io.containerd.gc.v1', 'scheduler', { requires: ['io.containerd.metadata.v1'] }),
    plugin('io.containerd.lease.v1', 'manager', { requires: ['io.containerd.metadata.v1'] }),
    plugin('io.containerd.runtime.v2', 'task', {
      requires: ['io.containerd.metadata.v1'],
      platforms: [platform],
      exports: { root: path.join(root, 'io.containerd.runtime.v2.task'), state: path.join(state, 'io.containerd.runtime.v2.task') },
    }),
    plugin('io.containerd.transfer.v1', 'local', { requires: ['io.containerd.lease.v1', 'io.containerd.metadata.v1'] }),
    plugin('io.containerd.grpc.v1', 'cri', {
      requires: ['io.containerd.runtime.v2', 'io.containerd.snapshotter.v1'],
    }),
  ];
}
