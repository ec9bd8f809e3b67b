/**
 * Rewrites a spec's objects with their keys in the Go structs' field order, so that the JSON
 * berth prints reads like containerd's (tools and people diff these).
 */
import type { Spec } from '../oci/types';

type Shape = { keys: readonly string[]; children?: Readonly<Record<string, Shape | [Shape]>> };

const arg: Shape = { keys: ['index', 'value', 'valueTwo', 'op'] };
const syscall: Shape = { keys: ['names', 'action', 'errnoRet', 'args'], children: { args: [arg] } };
const seccomp: Shape = { keys: ['defaultAction', 'defaultErrnoRet', 'architectures', 'flags', 'listenerPath', 'listenerMetadata', 'syscalls'], children: { syscalls: [syscall] } };
const devRule: Shape = { keys: ['allow', 'type', 'major', 'minor', 'access'] };
const resources: Shape = {
  keys: ['devices', 'memory', 'cpu', 'pids', 'blockIO', 'hugepageLimits', 'network', 'rdma', 'unified'],
  children: {
    devices: [devRule],
    memory: { keys: ['limit', 'reservation', 'swap', 'kernel', 'kernelTCP', 'swappiness', 'disableOOMKiller', 'useHierarchy', 'checkBeforeUpdate'] },
    cpu: { keys: ['shares', 'quota', 'burst', 'period', 'realtimeRuntime', 'realtimePeriod', 'cpus', 'mems', 'idle'] },
  },
};
const linux: Shape = {
  keys: ['uidMappings', 'gidMappings', 'sysctl', 'resources', 'cgroupsPath', 'namespaces', 'devices', 'seccomp', 'rootfsPropagation',
    'maskedPaths', 'readonlyPaths', 'mountLabel', 'intelRdt', 'personality', 'timeOffsets'],
  children: {
    resources,
    namespaces: [{ keys: ['type', 'path'] }],
    devices: [{ keys: ['path', 'type', 'major', 'minor', 'fileMode', 'uid', 'gid'] }],
    seccomp,
  },
};
const proc: Shape = {
  keys: ['terminal', 'consoleSize', 'user', 'args', 'commandLine', 'env', 'cwd', 'capabilities', 'rlimits', 'noNewPrivileges',
    'apparmorProfile', 'oomScoreAdj', 'scheduler', 'selinuxLabel', 'ioPriority'],
  children: {
    user: { keys: ['uid', 'gid', 'umask', 'additionalGids', 'username'] },
    capabilities: { keys: ['bounding', 'effective', 'inheritable', 'permitted', 'ambient'] },
    rlimits: [{ keys: ['type', 'hard', 'soft'] }],
  },
};
const spec: Shape = {
  keys: ['ociVersion', 'process', 'root', 'hostname', 'domainname', 'mounts', 'hooks', 'annotations', 'linux'],
  children: {
    process: proc,
    root: { keys: ['path', 'readonly'] },
    mounts: [{ keys: ['destination', 'type', 'source', 'options', 'uidMappings', 'gidMappings'] }],
    linux,
  },
};

function reorder(v: unknown, shape: Shape): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const put = (k: string): void => {
    if (o[k] === undefined) return;
    const child = shape.children?.[k];
    if (Array.isArray(child) && Array.isArray(o[k])) out[k] = (o[k] as unknown[]).map((e) => reorder(e, child[0]));
    else if (child && !Array.isArray(child)) out[k] = reorder(o[k], child);
    else out[k] = o[k];
  };
  for (const k of shape.keys) put(k);
  // Keys the table does not know keep their relative order, after the known ones.
  for (const k of Object.keys(o)) if (!shape.keys.includes(k)) put(k);
  return out;
}

export function orderSpec(s: Spec): Spec {
  return reorder(s, spec) as Spec;
}
