/**
 * `crictl rmp`: as containerd's CRI plugin, removing a pod removes its containers too (a ready
 * pod only with force, after stopping it). Containers go first (their snapshot removal is
 * asynchronous), then the sandbox's network, pins, files and record.
 */
import { StateError } from '../errors';
import type { MetadataStore } from '../metadata/store';
import { removePodContainers } from './pod-containers';
import { removePodSandbox, resolveSandbox, stopPodSandbox, type StoreDirs } from './sandbox';

/** Removes one pod (id or unique prefix) with its containers; returns the pod's full id. */
export async function removePod(store: MetadataStore, dirs: StoreDirs, idOrPrefix: string, force: boolean): Promise<string> {
  const s = resolveSandbox(store, idOrPrefix);
  if (s.state === 'SANDBOX_READY') {
    if (!force) throw new StateError(`pod sandbox "${s.id}" is running, please stop it first`);
    await stopPodSandbox(store, dirs, s.id);
  }
  await removePodContainers(dirs, s.id);
  return removePodSandbox(store, dirs, s.id, force);
}
