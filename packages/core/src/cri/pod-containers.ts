/**
 * The containers of a pod, as the container commands (crictl create/start) will record them:
 * container records in k8s.io labelled io.cri-containerd.kind=container whose CRI metadata
 * extension names the pod (containerd's Metadata.SandboxID). Stopping them is the container
 * layer's job; until it exists, a pod that has any is refused rather than half-stopped.
 */
import { UnsupportedError } from '../errors';
import type { MetadataStore } from '../metadata/store';
import { CRI_NAMESPACE, KIND_LABEL } from './sandbox-record';

export const CONTAINER_METADATA_EXTENSION = 'io.cri-containerd.container.metadata';

interface ContainerMetadataExt { value?: { Metadata?: { SandboxID?: string } } }

/** Ids of the container records that belong to the pod. */
export function podContainers(store: MetadataStore, podId: string): string[] {
  return store.containers.list(CRI_NAMESPACE, { labels: { [KIND_LABEL]: 'container' } })
    .filter((c) => (c.extensions[CONTAINER_METADATA_EXTENSION] as ContainerMetadataExt | undefined)?.value?.Metadata?.SandboxID === podId)
    .map((c) => c.id);
}

/** Stops every container of the pod (StopPodSandbox's first step). */
export function stopPodContainers(store: MetadataStore, _dirs: { root: string; state: string }, podId: string): void {
  const ids = podContainers(store, podId);
  if (ids.length > 0) throw new UnsupportedError(`pod sandbox "${podId}": stopping its containers (${ids.join(', ')}) is not built yet`);
}
