/**
 * CRI's PodSandboxConfig as crictl reads it from pod-config.json|yaml: protobuf JSON, so both
 * the proto names (log_directory) and their camelCase forms (logDirectory) are accepted, and
 * enums by name (POD, TCP) or number.
 */
import { InvalidArgumentError } from '../errors';
import { loadConfigFile } from './config-file';

export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface PodSandboxMetadata { name: string; uid: string; namespace: string; attempt: number }
export interface DnsConfig { servers: string[]; searches: string[]; options: string[] }
export interface PortMapping { protocol: Protocol; containerPort: number; hostPort: number; hostIp: string }
export interface NamespaceOption { network: NamespaceMode; pid: NamespaceMode; ipc: NamespaceMode; targetId: string }

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname: string;
  logDirectory: string;
  dnsConfig?: DnsConfig;
  portMappings: PortMapping[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  linux: {
    cgroupParent: string;
    sysctls: Record<string, string>;
    namespaceOptions: NamespaceOption;
  };
}

type Obj = Record<string, unknown>;

const camel = (k: string): string => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Copies an object with every key in camelCase, except inside maps (labels, sysctls...). */
function normalise(v: unknown, keepKeys = false): unknown {
  if (Array.isArray(v)) return v.map((x) => normalise(x));
  if (v === null || typeof v !== 'object') return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v as Obj)) {
    const key = keepKeys ? k : camel(k);
    out[key] = keepKeys ? x : normalise(x, ['labels', 'annotations', 'sysctls'].includes(key));
  }
  return out;
}

function obj(v: unknown, at: string): Obj {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidArgumentError(`pod config: ${at} must be an object`);
  return v as Obj;
}

function str(o: Obj, k: string, at: string): string {
  const v = o[k];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new InvalidArgumentError(`pod config: ${at}${k} must be a string`);
  return v;
}

function int(o: Obj, k: string, at: string): number {
  const v = o[k];
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`pod config: ${at}${k} must be a non-negative integer`);
  return n;
}

function strings(o: Obj, k: string, at: string): string[] {
  const v = o[k];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new InvalidArgumentError(`pod config: ${at}${k} must be a list of strings`);
  return v as string[];
}

function stringMap(o: Obj, k: string, at: string): Record<string, string> {
  const m = obj(o[k], `${at}${k}`);
  for (const [key, v] of Object.entries(m)) {
    if (typeof v !== 'string') throw new InvalidArgumentError(`pod config: ${at}${k}.${key} must be a string`);
  }
  return m as Record<string, string>;
}

function enumOf<T extends string>(o: Obj, k: string, at: string, names: readonly T[]): T {
  const v = o[k];
  if (v === undefined || v === null) return names[0];
  if (typeof v === 'number' && names[v] !== undefined) return names[v];
  if (typeof v === 'string' && (names as readonly string[]).includes(v)) return v as T;
  throw new InvalidArgumentError(`pod config: ${at}${k} must be one of ${names.join(', ')}`);
}

const MODES = ['POD', 'CONTAINER', 'NODE', 'TARGET'] as const;
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

/** Validates and fills defaults (protobuf zero values) of an already parsed document. */
export function toPodSandboxConfig(doc: unknown): PodSandboxConfig {
  const d = obj(normalise(doc), 'the document');
  const md = obj(d.metadata, 'metadata');
  const metadata = { name: str(md, 'name', 'metadata.'), uid: str(md, 'uid', 'metadata.'), namespace: str(md, 'namespace', 'metadata.'), attempt: int(md, 'attempt', 'metadata.') };
  if (metadata.name === '') throw new InvalidArgumentError('pod config: metadata.name is missing (every pod needs a name)');
  const dns = d.dnsConfig === undefined || d.dnsConfig === null ? undefined : obj(d.dnsConfig, 'dns_config');
  const linux = obj(d.linux, 'linux');
  const nso = obj(obj(linux.securityContext, 'linux.security_context').namespaceOptions, 'linux.security_context.namespace_options');
  const pm = d.portMappings ?? [];
  if (!Array.isArray(pm)) throw new InvalidArgumentError('pod config: port_mappings must be a list');
  return {
    metadata,
    hostname: str(d, 'hostname', ''),
    logDirectory: str(d, 'logDirectory', ''),
    dnsConfig: dns && { servers: strings(dns, 'servers', 'dns_config.'), searches: strings(dns, 'searches', 'dns_config.'), options: strings(dns, 'options', 'dns_config.') },
    portMappings: pm.map((m, i) => {
      const o = obj(m, `port_mappings[${i}]`);
      const at = `port_mappings[${i}].`;
      const p = { protocol: enumOf(o, 'protocol', at, PROTOCOLS), containerPort: int(o, 'containerPort', at), hostPort: int(o, 'hostPort', at), hostIp: str(o, 'hostIp', at) };
      if (p.containerPort > 65535 || p.hostPort > 65535) throw new InvalidArgumentError(`pod config: ${at}: ports must be at most 65535`);
      return p;
    }),
    labels: stringMap(d, 'labels', ''),
    annotations: stringMap(d, 'annotations', ''),
    linux: {
      cgroupParent: str(linux, 'cgroupParent', 'linux.'),
      sysctls: stringMap(linux, 'sysctls', 'linux.'),
      namespaceOptions: {
        network: enumOf(nso, 'network', 'namespace_options.', MODES),
        pid: enumOf(nso, 'pid', 'namespace_options.', MODES),
        ipc: enumOf(nso, 'ipc', 'namespace_options.', MODES),
        targetId: str(nso, 'targetId', 'namespace_options.'),
      },
    },
  };
}

/** Reads pod-config.json or .yaml (YAML is a superset of JSON, so one parser reads both). */
export function loadPodSandboxConfig(file: string): PodSandboxConfig {
  return loadConfigFile(file, 'pod config', toPodSandboxConfig);
}
