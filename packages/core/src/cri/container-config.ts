/**
 * CRI's ContainerConfig as crictl reads it from container-config.json|yaml: protobuf JSON, so
 * proto names (working_dir) and their camelCase forms (workingDir) are both accepted, enums by
 * name or number, and Int64Value wrappers (run_as_user) as {value: n} or a bare number.
 */
import { InvalidArgumentError } from '../errors';
import type { NamespaceMode } from './pod-config';
import { loadConfigFile } from './config-file';

export type Propagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';

export interface CriMount { containerPath: string; hostPath: string; readonly: boolean; selinuxRelabel: boolean; propagation: Propagation }
export interface CriDevice { containerPath: string; hostPath: string; permissions: string }
export interface CriKeyValue { key: string; value: string }

export interface CriResources {
  cpuPeriod: number;
  cpuQuota: number;
  cpuShares: number;
  memoryLimitInBytes: number;
  oomScoreAdj: number;
  cpusetCpus: string;
  cpusetMems: string;
  memorySwapLimitInBytes: number;
  unified: Record<string, string>;
}

export interface CriSecurityContext {
  capabilities: { addCapabilities: string[]; dropCapabilities: string[] };
  privileged: boolean;
  namespaceOptions: { network: NamespaceMode; pid: NamespaceMode; ipc: NamespaceMode; targetId: string };
  runAsUser?: number;
  runAsGroup?: number;
  runAsUsername: string;
  readonlyRootfs: boolean;
  supplementalGroups: number[];
  noNewPrivs: boolean;
  /** undefined: the runtime's defaults; [] (given empty): none. */
  maskedPaths?: string[];
  readonlyPaths?: string[];
  /** RuntimeDefault, Unconfined or Localhost (with localhostRef). */
  seccomp: { profileType: 'RuntimeDefault' | 'Unconfined' | 'Localhost'; localhostRef: string };
}

export interface ContainerConfig {
  metadata: { name: string; attempt: number };
  image: { image: string };
  command: string[];
  args: string[];
  workingDir: string;
  envs: CriKeyValue[];
  mounts: CriMount[];
  devices: CriDevice[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  logPath: string;
  stdin: boolean;
  stdinOnce: boolean;
  tty: boolean;
  linux: { resources: CriResources; securityContext: CriSecurityContext };
}

type Obj = Record<string, unknown>;

const camel = (k: string): string => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
const MAP_KEYS = ['labels', 'annotations', 'unified'];

function normalise(v: unknown, keepKeys = false): unknown {
  if (Array.isArray(v)) return v.map((x) => normalise(x));
  if (v === null || typeof v !== 'object') return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v as Obj)) {
    const key = keepKeys ? k : camel(k);
    out[key] = keepKeys ? x : normalise(x, MAP_KEYS.includes(key));
  }
  return out;
}

const bad = (msg: string): InvalidArgumentError => new InvalidArgumentError(`container config: ${msg}`);

function obj(v: unknown, at: string): Obj {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(`${at} must be an object`);
  return v as Obj;
}

function str(o: Obj, k: string, at: string): string {
  const v = o[k];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw bad(`${at}${k} must be a string`);
  return v;
}

function bool(o: Obj, k: string, at: string): boolean {
  const v = o[k];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw bad(`${at}${k} must be true or false`);
  return v;
}

function int(o: Obj, k: string, at: string, min = Number.MIN_SAFE_INTEGER): number {
  const v = o[k];
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) throw bad(`${at}${k} must be an integer${min === 0 ? ' >= 0' : ''}`);
  return n;
}

/** An Int64Value: {value: n} (protobuf JSON of the wrapper in Go's struct) or a bare number. */
function int64Value(o: Obj, k: string, at: string): number | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object' && !Array.isArray(v)) return int(v as Obj, 'value', `${at}${k}.`, 0);
  return int(o, k, at, 0);
}

function strings(o: Obj, k: string, at: string): string[] {
  const v = o[k];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(`${at}${k} must be a list of strings`);
  return v as string[];
}

function list(o: Obj, k: string, at: string): Obj[] {
  const v = o[k];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(`${at}${k} must be a list`);
  return v.map((x, i) => obj(x, `${at}${k}[${i}]`));
}

function stringMap(o: Obj, k: string, at: string): Record<string, string> {
  const m = obj(o[k], `${at}${k}`);
  for (const [key, v] of Object.entries(m)) if (typeof v !== 'string') throw bad(`${at}${k}.${key} must be a string`);
  return m as Record<string, string>;
}

function enumOf<T extends string>(o: Obj, k: string, at: string, names: readonly T[]): T {
  const v = o[k];
  if (v === undefined || v === null) return names[0] as T;
  if (typeof v === 'number' && names[v] !== undefined) return names[v] as T;
  if (typeof v === 'string' && (names as readonly string[]).includes(v)) return v as T;
  throw bad(`${at}${k} must be one of ${names.join(', ')}`);
}

const MODES = ['POD', 'CONTAINER', 'NODE', 'TARGET'] as const;
const PROPAGATIONS = ['PROPAGATION_PRIVATE', 'PROPAGATION_HOST_TO_CONTAINER', 'PROPAGATION_BIDIRECTIONAL'] as const;
const SECCOMP_TYPES = ['RuntimeDefault', 'Unconfined', 'Localhost'] as const;

function securityContext(sc: Obj): CriSecurityContext {
  const at = 'linux.security_context.';
  const caps = obj(sc.capabilities, `${at}capabilities`);
  const nso = obj(sc.namespaceOptions, `${at}namespace_options`);
  const seccomp = obj(sc.seccomp, `${at}seccomp`);
  // The deprecated seccomp_profile_path: runtime/default, unconfined, localhost/<path>.
  const legacy = str(sc, 'seccompProfilePath', at);
  let profileType = sc.seccomp === undefined ? (legacy.startsWith('localhost/') ? 'Localhost' : legacy === 'runtime/default' || legacy === 'docker/default' ? 'RuntimeDefault' : 'Unconfined') : enumOf(seccomp, 'profileType', `${at}seccomp.`, SECCOMP_TYPES);
  const localhostRef = sc.seccomp === undefined ? (legacy.startsWith('localhost/') ? legacy.slice('localhost/'.length) : '') : str(seccomp, 'localhostRef', `${at}seccomp.`);
  if (profileType === 'Localhost' && localhostRef === '') profileType = 'Unconfined';
  const groups = sc.supplementalGroups ?? [];
  if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'number' || !Number.isInteger(g) || g < 0)) throw bad(`${at}supplemental_groups must be a list of group ids`);
  return {
    capabilities: { addCapabilities: strings(caps, 'addCapabilities', `${at}capabilities.`), dropCapabilities: strings(caps, 'dropCapabilities', `${at}capabilities.`) },
    privileged: bool(sc, 'privileged', at),
    namespaceOptions: {
      network: enumOf(nso, 'network', `${at}namespace_options.`, MODES), pid: enumOf(nso, 'pid', `${at}namespace_options.`, MODES),
      ipc: enumOf(nso, 'ipc', `${at}namespace_options.`, MODES), targetId: str(nso, 'targetId', `${at}namespace_options.`),
    },
    runAsUser: int64Value(sc, 'runAsUser', at),
    runAsGroup: int64Value(sc, 'runAsGroup', at),
    runAsUsername: str(sc, 'runAsUsername', at),
    readonlyRootfs: bool(sc, 'readonlyRootfs', at),
    supplementalGroups: groups as number[],
    noNewPrivs: bool(sc, 'noNewPrivs', at),
    maskedPaths: sc.maskedPaths === undefined ? undefined : strings(sc, 'maskedPaths', at),
    readonlyPaths: sc.readonlyPaths === undefined ? undefined : strings(sc, 'readonlyPaths', at),
    seccomp: { profileType, localhostRef },
  };
}

/** Validates and fills defaults (protobuf zero values) of an already parsed document. */
export function toContainerConfig(doc: unknown): ContainerConfig {
  const d = obj(normalise(doc), 'the document');
  const md = obj(d.metadata, 'metadata');
  const metadata = { name: str(md, 'name', 'metadata.'), attempt: int(md, 'attempt', 'metadata.', 0) };
  if (metadata.name === '') throw bad('metadata.name is missing (every container needs a name)');
  const image = { image: str(obj(d.image, 'image'), 'image', 'image.') };
  const linux = obj(d.linux, 'linux');
  const r = obj(linux.resources, 'linux.resources');
  const ra = 'linux.resources.';
  if (image.image === '') throw bad('image.image is missing (the image to run)');
  return {
    metadata, image,
    command: strings(d, 'command', ''), args: strings(d, 'args', ''), workingDir: str(d, 'workingDir', ''),
    envs: list(d, 'envs', '').map((e, i) => ({ key: str(e, 'key', `envs[${i}].`), value: str(e, 'value', `envs[${i}].`) })),
    mounts: list(d, 'mounts', '').map((m, i) => {
      const at = `mounts[${i}].`;
      const mount = {
        containerPath: str(m, 'containerPath', at), hostPath: str(m, 'hostPath', at), readonly: bool(m, 'readonly', at),
        selinuxRelabel: bool(m, 'selinuxRelabel', at), propagation: enumOf(m, 'propagation', at, PROPAGATIONS),
      };
      if (mount.containerPath === '' || mount.hostPath === '') throw bad(`${at}: container_path and host_path are both needed`);
      return mount;
    }),
    devices: list(d, 'devices', '').map((x, i) => {
      const at = `devices[${i}].`;
      const dev = { containerPath: str(x, 'containerPath', at), hostPath: str(x, 'hostPath', at), permissions: str(x, 'permissions', at) || 'rwm' };
      if (dev.hostPath === '') throw bad(`${at}host_path is missing`);
      return dev;
    }),
    labels: stringMap(d, 'labels', ''), annotations: stringMap(d, 'annotations', ''),
    logPath: str(d, 'logPath', ''), stdin: bool(d, 'stdin', ''), stdinOnce: bool(d, 'stdinOnce', ''), tty: bool(d, 'tty', ''),
    linux: {
      resources: {
        cpuPeriod: int(r, 'cpuPeriod', ra, 0), cpuQuota: int(r, 'cpuQuota', ra), cpuShares: int(r, 'cpuShares', ra, 0),
        memoryLimitInBytes: int(r, 'memoryLimitInBytes', ra, 0), oomScoreAdj: int(r, 'oomScoreAdj', ra), cpusetCpus: str(r, 'cpusetCpus', ra),
        cpusetMems: str(r, 'cpusetMems', ra), memorySwapLimitInBytes: int(r, 'memorySwapLimitInBytes', ra), unified: stringMap(r, 'unified', ra),
      },
      securityContext: securityContext(obj(linux.securityContext, 'linux.security_context')),
    },
  };
}

/** Reads container-config.json or .yaml (one YAML parser reads both, JSON being YAML). */
export function loadContainerConfig(file: string): ContainerConfig {
  return loadConfigFile(file, 'container config', toContainerConfig);
}
