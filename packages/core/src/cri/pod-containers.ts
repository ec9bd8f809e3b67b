/**
 * The containers of a pod: container records in k8s.io labelled io.cri-containerd.kind=container
 * whose CRI metadata extension names the pod (containerd's Metadata.SandboxID).
 */
import type { MetadataStore } from '../metadata/store';
import { CONTAINER_METADATA_EXTENSION } from './container-record';
import { CRI_NAMESPACE, KIND_LABEL } from './sandbox-record';

interface ContainerMetadataExt { value?: { Metadata?: { SandboxID?: string } } }

/** Ids of the container records that belong to the pod. */
export function podContainers(store: MetadataStore, podId: string): string[] {
  return store.containers.list(CRI_NAMESPACE, { labels: { [KIND_LABEL]: 'container' } })
    .filter((c) => (c.extensions[CONTAINER_METADATA_EXTENSION] as ContainerMetadataExt | undefined)?.value?.Metadata?.SandboxID === podId)
    .map((c) => c.id);
}

/** Stops every running container of the pod with no grace period (StopPodSandbox's first step, as containerd). */
export function stopPodContainers(_store: MetadataStore, dirs: { root: string; state: string }, podId: string): void {
  // Loaded here: the container layer imports the sandbox layer, which imports this file.
  const { stopContainersOfPod } = require('./container-run') as typeof import('./container-run');
  stopContainersOfPod(dirs, podId);
}

/**
 * Removes every container of the pod, running ones stopped at once (containerd's
 * RemovePodSandbox does this before removing the pod). The sandbox layer does not load the
 * container layer, so removePodSandbox does not call it: removePod (pod-remove.ts) calls it first.
 */
export async function removePodContainers(dirs: { root: string; state: string }, podId: string): Promise<string[]> {
  const { listPodContainerViews, removeCriContainer } = require('./containers') as typeof import('./containers');
  const ids = listPodContainerViews(dirs, podId).map((c) => c.id);
  for (const id of ids) await removeCriContainer(dirs, id, true);
  return ids;
}
