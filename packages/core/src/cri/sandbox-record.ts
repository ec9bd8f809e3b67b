/**
 * How a pod sandbox is recorded in the metadata store, as containerd's CRI plugin does it: a
 * container record in namespace k8s.io, label io.cri-containerd.kind=sandbox, the CRI metadata in
 * the extension io.cri-containerd.sandbox.metadata (so `ctr -n k8s.io c ls` lists pods and
 * `ctr c info` shows them). Extensions are typeurl Anys in containerd, with a protobuf-encoded
 * value; berth keeps the same {type_url, value} shape with the value as readable JSON. What
 * containerd keeps in memory (state, pinned namespaces, the CNI config used) is a second
 * extension, io.berth.cri.sandbox.state, so every CLI process sees it.
 */
import type { Container } from '../metadata/types';
import { isSameProcess } from '../sys/proc';
import type { CniResult, NetworkConfigList } from './cni/types';
import type { PodSandboxConfig } from './pod-config';
import type { HolderProcess, PinnedType } from './pin';

export const CRI_NAMESPACE = 'k8s.io';
export const KIND_LABEL = 'io.cri-containerd.kind';
export const METADATA_EXTENSION = 'io.cri-containerd.sandbox.metadata';
export const METADATA_TYPE_URL = 'github.com/containerd/cri/pkg/store/sandbox/Metadata';
export const STATE_EXTENSION = 'io.berth.cri.sandbox.state';
/** The name of the one runtime handler (containerd's default runtime's name). */
export const DEFAULT_RUNTIME_NAME = 'runc';
/** The runtime the pod's containers run with (containerd's default runtime type). */
export const RUNTIME_TYPE = 'io.containerd.runc.v2';

export type SandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

/** The network a pod joined, kept so that DEL uses exactly what ADD used. */
export interface SandboxNetwork {
  list: NetworkConfigList;
  binDirs: string[];
  ifName: string;
  result?: CniResult;
}

export interface Sandbox {
  id: string;
  /** containerd's reserved name: <name>_<namespace>_<uid>_<attempt>, unique among pods. */
  name: string;
  config: PodSandboxConfig;
  runtimeHandler: string;
  /** Nanoseconds since the epoch, as a decimal string (CRI's int64). */
  createdAt: string;
  state: SandboxState;
  ip: string;
  additionalIps: string[];
  /** The pinned network namespace ('' with the host's network). */
  netnsPath: string;
  netnsClosed: boolean;
  /** Pinned namespace files: what the pod's containers join by path. */
  namespaces: Partial<Record<PinnedType, string>>;
  holder?: HolderProcess;
  hostname: string;
  files: { hostname: string; hosts: string; resolvConf: string; shm: string };
  cgroupParent: string;
  network?: SandboxNetwork;
}

export function sandboxName(c: PodSandboxConfig): string {
  const m = c.metadata;
  return [m.name, m.namespace, m.uid, String(m.attempt)].join('_');
}

interface MetadataValue {
  Version: string;
  Metadata: {
    ID: string; Name: string; Config: PodSandboxConfig; NetNSPath: string; IP: string; AdditionalIPs: string[];
    RuntimeHandler: string; CNIResult: CniResult | null; ProcessLabel: string;
  };
}

type StateValue = Omit<Sandbox, 'id' | 'name' | 'config' | 'runtimeHandler' | 'netnsPath' | 'ip' | 'additionalIps'>;

export function toExtensions(s: Sandbox): Record<string, unknown> {
  const meta: MetadataValue = {
    Version: 'v1',
    Metadata: {
      ID: s.id, Name: s.name, Config: s.config, NetNSPath: s.netnsPath, IP: s.ip, AdditionalIPs: s.additionalIps,
      RuntimeHandler: s.runtimeHandler, CNIResult: s.network?.result ?? null, ProcessLabel: '',
    },
  };
  const state: StateValue = {
    createdAt: s.createdAt, state: s.state, netnsClosed: s.netnsClosed, namespaces: s.namespaces, holder: s.holder,
    hostname: s.hostname, files: s.files, cgroupParent: s.cgroupParent, network: s.network,
  };
  return { [METADATA_EXTENSION]: { type_url: METADATA_TYPE_URL, value: meta }, [STATE_EXTENSION]: state };
}

export function isSandboxRecord(c: Container): boolean {
  return c.labels[KIND_LABEL] === 'sandbox' && c.extensions[METADATA_EXTENSION] !== undefined && c.extensions[STATE_EXTENSION] !== undefined;
}

/**
 * The pod as recorded, its state checked against the live system: a pod whose PID namespace
 * holder has died (killed, or the OOM killer) is NOTREADY, as containerd's sandbox is once its
 * pause process exits; its PID namespace is gone with it, so no container can join it. Its network
 * stays until stopp, as containerd's.
 */
export function fromRecord(c: Container): Sandbox {
  const meta = (c.extensions[METADATA_EXTENSION] as { value: MetadataValue }).value.Metadata;
  const st = c.extensions[STATE_EXTENSION] as StateValue;
  const network = st.network ? { ...st.network, result: meta.CNIResult ?? undefined } : undefined;
  const holderDied = st.state === 'SANDBOX_READY' && st.holder !== undefined && !isSameProcess(st.holder.pid, st.holder.startTime);
  return {
    ...st, id: c.id, name: meta.Name, config: meta.Config, runtimeHandler: meta.RuntimeHandler, netnsPath: meta.NetNSPath,
    ip: meta.IP, additionalIps: meta.AdditionalIPs, network, ...(holderDied ? { state: 'SANDBOX_NOTREADY' } : {}),
  };
}

/** The pod's part of an OCI spec: what its containers share (namespaces by path, sysctls, /etc files). */
export function sandboxSpec(s: Sandbox): Record<string, unknown> {
  const nsType: Record<PinnedType, string> = { net: 'network', ipc: 'ipc', uts: 'uts', pid: 'pid' };
  const mounts = [
    { destination: '/etc/hostname', type: 'bind', source: s.files.hostname, options: ['rbind', 'rprivate', 'rw'] },
    { destination: '/etc/hosts', type: 'bind', source: s.files.hosts, options: ['rbind', 'rprivate', 'rw'] },
    { destination: '/etc/resolv.conf', type: 'bind', source: s.files.resolvConf, options: ['rbind', 'rprivate', 'rw'] },
  ];
  if (s.files.shm !== '') mounts.push({ destination: '/dev/shm', type: 'bind', source: s.files.shm, options: ['rbind', 'rprivate', 'rw'] });
  return {
    ociVersion: '1.1.0',
    hostname: s.hostname,
    mounts,
    linux: {
      cgroupsPath: s.cgroupParent,
      sysctl: s.config.linux.sysctls,
      namespaces: (Object.entries(s.namespaces) as [PinnedType, string][]).map(([t, p]) => ({ type: nsType[t], path: p })),
    },
  };
}
