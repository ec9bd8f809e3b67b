/**
 * The pod sandboxes in the store, as listings read them: apart from sandbox.ts (CNI, mounts,
 * namespaces) so that `crictl pods` and its fast path load only the store.
 */
import { withMetadata } from '../metadata/store';
import type { MetadataStore } from '../metadata/store';
import { fromRecord, isSandboxRecord, CRI_NAMESPACE, KIND_LABEL, type Sandbox } from './sandbox-record';

export interface StoreDirs { root: string; state: string }

export function listSandboxes(store: MetadataStore): Sandbox[] {
  return store.containers.list(CRI_NAMESPACE, { labels: { [KIND_LABEL]: 'sandbox' } }).filter(isSandboxRecord).map(fromRecord);
}

/** The pods in the store under `root`, opened for this and closed. */
export function readSandboxes(root: string): Sandbox[] {
  return withMetadata(root, listSandboxes);
}

/** Every pod's id, from the store under `root` (what a pod filter's id prefix is resolved against). */
export function sandboxIds(root: string): string[] {
  return readSandboxes(root).map((s) => s.id);
}
