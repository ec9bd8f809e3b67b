/**
 * How a CRI container is recorded, as containerd's CRI plugin does it: a container record in
 * namespace k8s.io, label io.cri-containerd.kind=container, the CRI metadata (naming the pod as
 * SandboxID) in the extension io.cri-containerd.container.metadata. What containerd keeps in its
 * status file (created/started/finished times, exit code, reason) is a second extension,
 * io.berth.cri.container.status, so every CLI process sees it.
 */
import { InvalidArgumentError, NotFoundError } from '../errors';
import type { MetadataStore } from '../metadata/store';
import type { Container } from '../metadata/types';
import type { ExitInfo } from '../tasks/types';
import type { ContainerConfig } from './container-config';
import { CRI_NAMESPACE, KIND_LABEL } from './sandbox-record';

export const CONTAINER_METADATA_EXTENSION = 'io.cri-containerd.container.metadata';
export const CONTAINER_METADATA_TYPE_URL = 'github.com/containerd/cri/pkg/store/container/Metadata';
export const STATUS_EXTENSION = 'io.berth.cri.container.status';

/** What containerd's containerstore.Status keeps (times in ns since the epoch, as strings). */
export interface CriContainerStatusRecord {
  createdAt: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  reason: string;
  message: string;
  /** Set while rm runs: the container is being removed. */
  removing: boolean;
}

/** An RFC 3339 time (the task's exit record) as int64 nanoseconds. */
function rfc3339ToNs(t: string): string {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(t);
  if (!m) return '0';
  const ms = Date.parse(`${m[1] as string}Z`);
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  return (BigInt(ms) * 1_000_000n + BigInt(frac)).toString();
}

/**
 * The status fields of an exited container, from its task's exit record (as containerd's TaskExit;
 * an OOM kill while it ran is its reason whatever the exit code, as containerd's TaskOOM sets it).
 */
export function exitedFields(exit: ExitInfo): Pick<CriContainerStatusRecord, 'finishedAt' | 'exitCode' | 'reason'> {
  return { finishedAt: rfc3339ToNs(exit.exitedAt), exitCode: exit.status, reason: exit.oomKilled ? 'OOMKilled' : exit.status === 0 ? 'Completed' : 'Error' };
}

export interface CriContainer {
  id: string;
  /** containerd's Metadata.Name: <name>_<pod name>_<pod namespace>_<pod uid>_<attempt>. */
  name: string;
  sandboxId: string;
  config: ContainerConfig;
  /** The image id (config digest) the container was made from. */
  imageRef: string;
  /** Where the name the config gave resolves (the image's first reference). */
  imageName: string;
  /** log_directory/log_path of pod and container ('' when either is empty: no log). */
  logPath: string;
  stopSignal: string;
  status: CriContainerStatusRecord;
  record: Container;
}

interface MetadataValue {
  Version: string;
  Metadata: {
    ID: string; Name: string; SandboxID: string; Config: ContainerConfig; ImageRef: string; LogPath: string; StopSignal: string;
    ProtectedByDeprecatedStopSignal: boolean;
  };
}

export function criContainerName(config: ContainerConfig, pod: { name: string; namespace: string; uid: string }): string {
  return [config.metadata.name, pod.name, pod.namespace, pod.uid, String(config.metadata.attempt)].join('_');
}

export function toContainerExtensions(c: Omit<CriContainer, 'record'>): Record<string, unknown> {
  const meta: MetadataValue = {
    Version: 'v1',
    Metadata: {
      ID: c.id, Name: c.name, SandboxID: c.sandboxId, Config: c.config, ImageRef: c.imageRef, LogPath: c.logPath, StopSignal: c.stopSignal,
      ProtectedByDeprecatedStopSignal: false,
    },
  };
  return { [CONTAINER_METADATA_EXTENSION]: { type_url: CONTAINER_METADATA_TYPE_URL, value: meta }, [STATUS_EXTENSION]: c.status };
}

export function isCriContainerRecord(c: Container): boolean {
  return c.labels[KIND_LABEL] === 'container' && c.extensions[CONTAINER_METADATA_EXTENSION] !== undefined && c.extensions[STATUS_EXTENSION] !== undefined;
}

export function fromContainerRecord(c: Container): CriContainer {
  const m = (c.extensions[CONTAINER_METADATA_EXTENSION] as { value: MetadataValue }).value.Metadata;
  return {
    id: c.id, name: m.Name, sandboxId: m.SandboxID, config: m.Config, imageRef: m.ImageRef, imageName: c.image, logPath: m.LogPath,
    stopSignal: m.StopSignal, status: c.extensions[STATUS_EXTENSION] as CriContainerStatusRecord, record: c,
  };
}

export function listCriContainers(store: MetadataStore): CriContainer[] {
  return store.containers.list(CRI_NAMESPACE, { labels: { [KIND_LABEL]: 'container' } }).filter(isCriContainerRecord).map(fromContainerRecord);
}

/** A full id or a unique prefix of one (containerd's truncindex); an ambiguous prefix names its candidates. */
export function resolveCriContainer(store: MetadataStore, idOrPrefix: string): CriContainer {
  if (idOrPrefix === '') throw new InvalidArgumentError('ID cannot be empty');
  const all = listCriContainers(store);
  const exact = all.find((c) => c.id === idOrPrefix);
  if (exact) return exact;
  const hits = all.filter((c) => c.id.startsWith(idOrPrefix));
  if (hits.length === 0) throw new NotFoundError(`an error occurred when try to find container "${idOrPrefix}": not found`);
  if (hits.length > 1) throw new InvalidArgumentError(`container ID prefix "${idOrPrefix}" is ambiguous: it matches ${hits.map((c) => c.id).join(', ')}`);
  return hits[0] as CriContainer;
}

/** Replaces the status extension (in the caller's transaction when there is one). */
export function saveStatus(store: MetadataStore, id: string, status: CriContainerStatusRecord): void {
  const c = store.containers.get(CRI_NAMESPACE, id);
  store.containers.update(CRI_NAMESPACE, id, { extensions: { ...c.extensions, [STATUS_EXTENSION]: status } });
}
