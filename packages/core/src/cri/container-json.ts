/**
 * Containers as the CRI API returns them (Container, ContainerStatus) and containerd's verbose
 * info, as plain JSON data in the field order crictl prints. Times stay int64 strings here.
 */
import type { Json, JsonObject } from './cni/types';
import type { ContainerConfig } from './container-config';
import type { CriContainerView } from './containers';
import type { Spec } from '../oci/types';
import { RUNTIME_TYPE } from './sandbox-record';
import { goConfigJson } from './go-config-json';

/** The config's Go maps (kept as they are), not structs. */
const CONTAINER_MAP_KEYS = ['labels', 'annotations', 'unified'];

function sortedMap(m: Record<string, string>): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k] as string;
  return out;
}

function imageSpec(image: string): JsonObject {
  return { image, annotations: {}, userSpecifiedImage: '', runtimeHandler: '' };
}

/** CRI Container (ListContainers' items). */
export function criContainer(v: CriContainerView): JsonObject {
  return {
    id: v.id, podSandboxId: v.sandboxId, metadata: { name: v.config.metadata.name, attempt: v.config.metadata.attempt },
    image: imageSpec(v.config.image.image), imageRef: v.imageRef, state: v.state, createdAt: v.status.createdAt,
    // The CRI config's labels only, as containerd answers (its record adds the image's and the kind).
    labels: sortedMap(v.config.labels), annotations: sortedMap(v.config.annotations),
    imageId: '', // CRI 1.30's field; containerd 1.7 leaves it empty and crictl prints it so
  };
}

/**
 * ContainerStatus.resources as containerd 1.7 reports them: the limits in the container's spec
 * (as created, then as updated), protobuf JSON with its defaults (int64 as strings).
 */
function statusResources(spec: Spec | undefined): JsonObject {
  const r = spec?.linux?.resources;
  const int = (n: number | undefined): string => String(n ?? 0);
  const linux: JsonObject = {
    cpuPeriod: int(r?.cpu?.period), cpuQuota: int(r?.cpu?.quota), cpuShares: int(r?.cpu?.shares),
    memoryLimitInBytes: int(r?.memory?.limit), oomScoreAdj: int(spec?.process?.oomScoreAdj),
    cpusetCpus: r?.cpu?.cpus ?? '', cpusetMems: r?.cpu?.mems ?? '',
    hugepageLimits: (r?.hugepageLimits ?? []).map((l) => ({ pageSize: l.pageSize, limit: String(l.limit) })),
    unified: { ...(r?.unified ?? {}) }, memorySwapLimitInBytes: int(r?.memory?.swap),
  };
  return { linux: spec?.linux ? linux : null, windows: null };
}

/** CRI ContainerStatus. */
export function criContainerStatus(v: CriContainerView): JsonObject {
  const c = v.config;
  return {
    id: v.id, metadata: { name: c.metadata.name, attempt: c.metadata.attempt }, state: v.state,
    createdAt: v.status.createdAt, startedAt: v.startedAt, finishedAt: v.finishedAt, exitCode: v.exitCode,
    image: imageSpec(v.imageName), imageRef: v.imageRef, reason: v.reason, message: v.message,
    labels: sortedMap(c.labels), annotations: sortedMap(c.annotations),
    mounts: c.mounts.map((m) => ({
      containerPath: m.containerPath, hostPath: m.hostPath, readonly: m.readonly, selinuxRelabel: m.selinuxRelabel, propagation: m.propagation,
      // CRI 1.30's recursive_read_only: not applied by containerd 1.7 nor berth, reported false.
      uidMappings: [], gidMappings: [], recursiveReadOnly: false,
    })),
    logPath: v.logPath,
    resources: statusResources(v.record.spec as Spec | undefined),
    imageId: '',
  };
}

const MODE_NUMBER = { POD: 0, CONTAINER: 1, NODE: 2, TARGET: 3 } as const;
const PROPAGATION_NUMBER = { PROPAGATION_PRIVATE: 0, PROPAGATION_HOST_TO_CONTAINER: 1, PROPAGATION_BIDIRECTIONAL: 2 } as const;

/** The config in the CRI Go struct's shape: enums as numbers, Int64Value wrappers as {value}. */
function goShape(c: ContainerConfig): unknown {
  const sc = c.linux.securityContext;
  const nso = sc.namespaceOptions;
  return {
    ...c,
    mounts: c.mounts.map((m) => ({ ...m, propagation: PROPAGATION_NUMBER[m.propagation] })),
    linux: {
      resources: c.linux.resources,
      securityContext: {
        ...sc,
        namespaceOptions: { network: MODE_NUMBER[nso.network], pid: MODE_NUMBER[nso.pid], ipc: MODE_NUMBER[nso.ipc], targetId: nso.targetId },
        runAsUser: sc.runAsUser === undefined ? undefined : { value: sc.runAsUser },
        runAsGroup: sc.runAsGroup === undefined ? undefined : { value: sc.runAsGroup },
        seccomp: sc.seccomp.profileType === 'Unconfined' ? undefined : { profileType: ['RuntimeDefault', 'Unconfined', 'Localhost'].indexOf(sc.seccomp.profileType), localhostRef: sc.seccomp.localhostRef },
      },
    },
  };
}

/** containerd's verbose ContainerStatus info (containerInfo in container_status.go). */
export function criContainerInfo(v: CriContainerView): Record<string, string> {
  const info: JsonObject = {
    sandboxID: v.sandboxId,
    pid: v.pid,
    removing: v.status.removing,
    snapshotKey: v.record.snapshotKey,
    snapshotter: v.record.snapshotter,
    runtimeType: RUNTIME_TYPE,
    runtimeOptions: (v.record.runtime.options ?? null) as Json,
    config: goConfigJson(goShape(v.config), CONTAINER_MAP_KEYS) ?? {},
    runtimeSpec: v.record.spec as Json,
  };
  return { info: JSON.stringify(info) };
}
