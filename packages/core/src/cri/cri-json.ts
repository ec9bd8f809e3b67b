/**
 * Pods as the CRI API returns them (PodSandbox, PodSandboxStatus and containerd's verbose
 * info), as plain JSON data in the field order crictl prints.
 */
import type { CniResult, Json, JsonObject } from './cni/types';
import type { PodSandboxConfig } from './pod-config';
import { RUNTIME_TYPE, sandboxSpec, type Sandbox } from './sandbox-record';
import { goConfigJson } from './go-config-json';

/** The config's Go maps (kept as they are), not structs. */
const POD_MAP_KEYS = ['labels', 'annotations', 'sysctls'];

function metadata(s: Sandbox): JsonObject {
  const m = s.config.metadata;
  return { name: m.name, uid: m.uid, namespace: m.namespace, attempt: m.attempt };
}

function sortedMap(m: Record<string, string>): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k] as string;
  return out;
}

/** CRI PodSandbox (ListPodSandbox's items) as protobuf JSON with defaults: createdAt is an int64 string. */
export function criPodSandbox(s: Sandbox): JsonObject {
  return {
    id: s.id, metadata: metadata(s), state: s.state, createdAt: s.createdAt,
    labels: sortedMap(s.config.labels), annotations: sortedMap(s.config.annotations), runtimeHandler: s.runtimeHandler,
  };
}

/**
 * The pod's addresses as CRI reports them: none once its network namespace is closed (stopp), as
 * containerd (the addresses went back to the pool then; the record keeps them).
 */
export function podIps(s: Sandbox): { ip: string; additionalIps: string[] } {
  return s.netnsClosed ? { ip: '', additionalIps: [] } : { ip: s.ip, additionalIps: s.additionalIps };
}

/** CRI PodSandboxStatus; createdAt stays the int64 string (crictl turns it into RFC3339Nano). */
export function criPodSandboxStatus(s: Sandbox): JsonObject {
  const nso = s.config.linux.namespaceOptions;
  const ips = podIps(s);
  return {
    id: s.id, metadata: metadata(s), state: s.state, createdAt: s.createdAt,
    network: { ip: ips.ip, additionalIps: ips.additionalIps.map((ip) => ({ ip })) },
    linux: { namespaces: { options: { network: nso.network, pid: nso.pid, ipc: nso.ipc, targetId: nso.targetId, usernsOptions: null } } },
    labels: sortedMap(s.config.labels), annotations: sortedMap(s.config.annotations), runtimeHandler: s.runtimeHandler,
  };
}

const MODE_NUMBER = { POD: 0, CONTAINER: 1, NODE: 2, TARGET: 3 } as const;
const PROTOCOL_NUMBER = { TCP: 0, UDP: 1, SCTP: 2 } as const;

/** The config in the CRI Go struct's nesting, enums as their numbers (what encoding/json prints). */
function goShape(c: PodSandboxConfig): unknown {
  const nso = c.linux.namespaceOptions;
  return {
    ...c,
    portMappings: c.portMappings.map((p) => ({ ...p, protocol: PROTOCOL_NUMBER[p.protocol] })),
    linux: {
      cgroupParent: c.linux.cgroupParent,
      securityContext: { namespaceOptions: { network: MODE_NUMBER[nso.network], pid: MODE_NUMBER[nso.pid], ipc: MODE_NUMBER[nso.ipc], targetId: nso.targetId } },
      sysctls: c.linux.sysctls,
    },
  };
}

/** containerd's cni.Result: addresses grouped by interface name. */
function cniResult(r: CniResult | undefined): Json {
  if (!r) return null;
  const ifaces = r.interfaces ?? [];
  const byName: JsonObject = {};
  ifaces.forEach((i, idx) => {
    const ips = (r.ips ?? []).filter((ip) => ip.interface === idx).map((ip) => ({ IP: ip.address.split('/')[0] as string, Gateway: ip.gateway ?? '' }));
    byName[i.name] = { IPConfigs: ips.length > 0 ? ips : null, Mac: i.mac ?? '', Sandbox: i.sandbox ?? '' };
  });
  return { Interfaces: byName, DNS: r.dns !== undefined ? [r.dns] : null, Routes: r.routes ?? null };
}

/**
 * The verbose `info` (containerd's sandboxInfo) plus where the pod's shared pieces are, for
 * whoever joins it. No pause process: pid is the pid-namespace holder's, or 0.
 */
export function sandboxInfo(s: Sandbox): Record<string, string> {
  const info: JsonObject = {
    pid: s.holder?.pid ?? 0,
    processStatus: s.state === 'SANDBOX_READY' ? 'running' : 'stopped',
    netNamespaceClosed: s.netnsClosed,
    image: '',
    snapshotKey: '',
    snapshotter: '',
    runtimeHandler: s.runtimeHandler,
    runtimeType: RUNTIME_TYPE,
    runtimeOptions: null,
    config: goConfigJson(goShape(s.config), POD_MAP_KEYS) ?? {},
    runtimeSpec: sandboxSpec(s) as JsonObject,
    cniResult: cniResult(s.network?.result),
    namespaces: s.namespaces as JsonObject,
    hostnamePath: s.files.hostname,
    hostsPath: s.files.hosts,
    resolvConfPath: s.files.resolvConf,
    shmPath: s.files.shm,
    cgroupParent: s.cgroupParent,
    cniConfig: s.network?.list.source ?? '',
  };
  return { info: JSON.stringify(info) };
}
