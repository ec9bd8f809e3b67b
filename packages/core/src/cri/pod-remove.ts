/**
 * `crictl rmp`: as containerd's CRI plugin, removing a pod removes its containers too (a ready
 * pod only with force, after stopping it). Containers go first (their snapshot removal is
 * asynchronous), then the sandbox's network, pins, files and record.
 */
import { StateError } from '../errors';
import type { MetadataStore } from '../metadata/store';
import { removePodContainers } from './pod-containers';
import { removePodSandbox, resolveSandbox, stopPodSandbox, type StoreDirs } from './sandbox';

/**
 * Removes one pod (id or unique prefix) with its containers: its full id, and whether it was
 * ready and stopped first (crictl then says so).
 */
export async function removePod(store: MetadataStore, dirs: StoreDirs, idOrPrefix: string, force: boolean): Promise<{ id: string; stopped: boolean }> {
  const s = resolveSandbox(store, idOrPrefix);
  const stopped = s.state === 'SANDBOX_READY';
  if (stopped) {
    if (!force) throw new StateError(`pod sandbox "${s.id}" is running, please stop it first`);
    await stopPodSandbox(store, dirs, s.id);
  }
  await removePodContainers(dirs, s.id);
  return { id: await removePodSandbox(store, dirs, s.id, force), stopped };
}
