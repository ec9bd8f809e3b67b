/** What every `snapshots` command shares: the --snapshotter flag and the scope it names. */
import { Args, Flags } from '@oclif/core';
import type { SnapshotScope } from '@berth/core/dist/services/snapshots';

/** containerd's SnapshotterFlags: empty means the configured default. */
export const snapshotterFlag = Flags.string({ description: 'Snapshotter name. Empty value stands for the default value.', env: 'CONTAINERD_SNAPSHOTTER' });

/** The snapshotter asked for, else the config file's default (plugins."io.containerd.grpc.v1.cri".containerd.snapshotter). */
export function snapshotterName(flags: { snapshotter?: string; config?: string }): string {
  if (flags.snapshotter) return flags.snapshotter;
  const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
  return loadConfig(flags.config).snapshotter;
}

export function snapshotScope(root: string, flags: { namespace: string; snapshotter?: string; config?: string }): SnapshotScope {
  return { root, namespace: flags.namespace, snapshotter: snapshotterName(flags) };
}

export function snapshotsService(): typeof import('@berth/core/dist/services/snapshots') {
  return require('@berth/core/dist/services/snapshots') as typeof import('@berth/core/dist/services/snapshots');
}

/** ctr's printMounts: one `mount` command line per mount, at the target. */
export function mountCommands(target: string, mounts: { type: string; source: string; options: string[] }[]): string {
  const path = require('node:path') as typeof import('node:path');
  // Go's filepath.Join(target, ""): cleaned, no trailing slash.
  const t = target === '' ? '.' : path.normalize(target).replace(/(.)\/+$/, '$1');
  return mounts.map((m) => `mount -t ${m.type} ${m.source} ${t} -o ${m.options.join(',')}\n`).join('');
}

/** ctr's PrintAsJSON of []mount.Mount: Go field names, 4-space indent. */
export function mountsJson(mounts: { type: string; source: string; options: string[] }[]): string {
  return `${JSON.stringify(mounts.map((m) => ({ Type: m.type, Source: m.source, Target: '', Options: m.options })), null, 4)}\n`;
}

/** prepare and view: the same arguments (a new key on an optional committed parent). */
export const newSnapshotArgs = {
  key: Args.string({ description: 'snapshot key', required: true }),
  parent: Args.string({ description: 'committed parent snapshot' }),
};

/** prepare and view: the same ways to print the new snapshot's mounts. */
export const newSnapshotFlags = {
  snapshotter: snapshotterFlag,
  target: Flags.string({ char: 't', description: 'Mount target path, will print mount, if provided' }),
  mounts: Flags.boolean({ description: 'Print out snapshot mounts as JSON' }),
};

/** prepare and view: `mount` lines at --target, then the mounts as JSON with --mounts. */
export function printNewSnapshotMounts(flags: { target?: string; mounts: boolean }, mounts: { type: string; source: string; options: string[] }[]): void {
  if (flags.target) process.stdout.write(mountCommands(flags.target, mounts));
  if (flags.mounts) process.stdout.write(mountsJson(mounts));
}
