/**
 * The shape of config.json (runtime-spec 1.0–1.2, Linux) for the schema walker, with the
 * per-field rules that need no other field: absolute paths, known names, ranges. Rules that
 * relate fields (a sysctl needs a namespace...) are in validate.ts.
 */
import * as path from 'node:path';
import { CAPABILITIES } from './capabilities';
import { RLIMITS } from './rlimits';
import { NAMESPACE_TYPES } from './names';
import { PROPAGATION } from './mount-options';
import { SECCOMP_ACTIONS, SECCOMP_ARCHES, SECCOMP_FLAGS, SECCOMP_MAX_ARGS, SECCOMP_OPERATORS, SECCOMP_UNSUPPORTED_ACTIONS } from './seccomp-names';
import {
  arr, bool, i32, i64, map, obj, range, required, str, u16, u32, u64,
  type Check, type Node, type Problem,
} from './schema';

// ---- reusable checks ----

const absolute: Check<string> = (v) => (path.isAbsolute(v) ? undefined : `must be an absolute path, not ${JSON.stringify(v)}`);

const nonEmpty: Check<string> = (v) => (v === '' ? 'must not be empty' : undefined);

/** Strings that reach mount(2) or a path syscall: C strings end at the first NUL. */
const noNul: Check<string> = (v) => (v.includes('\0') ? 'must not contain a NUL byte' : undefined);

const all = <T>(...checks: Check<T>[]): Check<T> => (v, at) => {
  for (const c of checks) {
    const p = c(v, at);
    if (p !== undefined) return p;
  }
  return undefined;
};

/** A name from a fixed set; `list` says whether the message lists the set (short sets only). */
function oneOf(values: readonly string[], what: string, list = true): Check<string> {
  const known = new Set(values);
  return (v) => {
    if (known.has(v)) return undefined;
    return `unknown ${what} ${JSON.stringify(v)}${list ? ` (known: ${values.join(', ')})` : ''}`;
  };
}

const capability: Check<string> = (v) => {
  if (Object.prototype.hasOwnProperty.call(CAPABILITIES, v)) return undefined;
  const guess = v.toUpperCase().startsWith('CAP_') ? v.toUpperCase() : `CAP_${v.toUpperCase()}`;
  const hint = Object.prototype.hasOwnProperty.call(CAPABILITIES, guess)
    ? `did you mean ${guess}?`
    : `known: CAP_CHOWN..CAP_CHECKPOINT_RESTORE, see \`runc features\``;
  return `unknown capability ${JSON.stringify(v)} (${hint})`;
};

const envEntry: Check<string> = (v) => {
  const eq = v.indexOf('=');
  if (eq < 0) return `must be NAME=VALUE, not ${JSON.stringify(v)} (no '=')`;
  if (eq === 0) return `must be NAME=VALUE, not ${JSON.stringify(v)} (empty name)`;
  if (v.includes('\0')) return 'must not contain a NUL byte';
  return undefined;
};

const seccompAction: Check<string> = (v) => {
  if (SECCOMP_UNSUPPORTED_ACTIONS.includes(v)) return { unsupported: `seccomp action ${v} is not supported by this runtime` };
  return oneOf(SECCOMP_ACTIONS, 'seccomp action')(v, '');
};

/** Each element's `key` must be unique in the array (namespace types, rlimit types). */
function unique(key: string, what: string): Check<unknown[]> {
  return (items) => {
    const seen = new Set<unknown>();
    for (const [k, item] of items.entries()) {
      const v = (item as Record<string, unknown>)[key];
      if (seen.has(v)) return `has a duplicate ${what} ${JSON.stringify(v)} at [${k}]`;
      seen.add(v);
    }
    return undefined;
  };
}

const nonEmptyArray: Check<unknown[]> = (v) => (v.length === 0 ? 'must not be empty' : undefined);

// ---- process ----

const user = obj({ uid: u32, gid: u32, umask: u32, additionalGids: arr(u32), username: str() });

const capabilities = obj({
  bounding: arr(str(capability)),
  effective: arr(str(capability)),
  inheritable: arr(str(capability)),
  permitted: arr(str(capability)),
  ambient: arr(str(capability)),
});

const rlimit = obj(
  { type: required(str(oneOf(Object.keys(RLIMITS), 'rlimit type'))), hard: required(u64), soft: required(u64) },
  (r) => ((r.soft as number) > (r.hard as number) ? `soft limit ${String(r.soft)} must not exceed hard limit ${String(r.hard)}` : undefined),
);

const SCHED_POLICIES = ['SCHED_OTHER', 'SCHED_FIFO', 'SCHED_RR', 'SCHED_BATCH', 'SCHED_ISO', 'SCHED_IDLE', 'SCHED_DEADLINE'];
const SCHED_FLAGS = [
  'SCHED_FLAG_RESET_ON_FORK', 'SCHED_FLAG_RECLAIM', 'SCHED_FLAG_DL_OVERRUN', 'SCHED_FLAG_KEEP_POLICY',
  'SCHED_FLAG_KEEP_PARAMS', 'SCHED_FLAG_UTIL_CLAMP_MIN', 'SCHED_FLAG_UTIL_CLAMP_MAX',
];

/** `process` of config.json, and the whole of `runc exec --process FILE`. */
export const PROCESS_SCHEMA = obj({
  terminal: bool,
  consoleSize: obj({ height: required(u32), width: required(u32) }),
  user,
  args: required(arr(str(), nonEmptyArray)),
  commandLine: str(),
  env: arr(str(envEntry)),
  cwd: required(str(all(nonEmpty, absolute))),
  capabilities,
  rlimits: arr(rlimit, unique('type', 'rlimit')),
  noNewPrivileges: bool,
  // runc fails these when the LSM is absent; berth applies neither, so it fails them too.
  apparmorProfile: str((v) => (v ? { unsupported: 'AppArmor profiles are not supported by this runtime' } : undefined)),
  oomScoreAdj: range(-1000, 1000),
  selinuxLabel: str((v) => (v ? { unsupported: 'SELinux labels are not supported by this runtime' } : undefined)),
  ioPriority: obj({
    class: required(str(oneOf(['IOPRIO_CLASS_RT', 'IOPRIO_CLASS_BE', 'IOPRIO_CLASS_IDLE'], 'I/O priority class'))),
    priority: range(0, 7),
  }),
  scheduler: obj({
    policy: required(str(oneOf(SCHED_POLICIES, 'scheduler policy'))),
    nice: range(-20, 19),
    priority: i32,
    flags: arr(str(oneOf(SCHED_FLAGS, 'scheduler flag'))),
    runtime: u64,
    deadline: u64,
    period: u64,
  }),
});

// ---- mounts and hooks ----

const idMapping = obj({ containerID: required(u32), hostID: required(u32), size: required(u32) });

const mount = obj(
  {
    destination: required(str(all(nonEmpty, noNul))),
    type: str(noNul),
    source: str(noNul),
    options: arr(str()),
    uidMappings: arr(idMapping),
    gidMappings: arr(idMapping),
  },
  (m) => (m.uidMappings !== undefined || m.gidMappings !== undefined
    ? { unsupported: 'id-mapped mounts (uidMappings/gidMappings) are not supported by this runtime' }
    : undefined),
);

const hook = obj({
  path: required(str(all(nonEmpty, absolute))),
  args: arr(str()),
  env: arr(str(envEntry)),
  timeout: range(1, 2 ** 31 - 1),
});

const hooks = obj({
  prestart: arr(hook),
  createRuntime: arr(hook),
  createContainer: arr(hook),
  startContainer: arr(hook),
  poststart: arr(hook),
  poststop: arr(hook),
});

// ---- linux ----

const deviceRule = obj({
  allow: required(bool),
  type: str(oneOf(['a', 'b', 'c'], 'device type')),
  major: i64,
  minor: i64,
  access: str((v) => (/^[rwm]*$/.test(v) ? undefined : `must be made of r, w and m, not ${JSON.stringify(v)}`)),
});

const throttle = obj({ major: required(i64), minor: required(i64), rate: required(u64) });

/** `linux.resources`, and what `runc update -r FILE` reads. */
export const RESOURCES_SCHEMA = obj({
  devices: arr(deviceRule),
  memory: obj({
    limit: i64,
    reservation: i64,
    swap: i64,
    kernel: i64,
    kernelTCP: i64,
    swappiness: range(0, 100),
    disableOOMKiller: bool,
    useHierarchy: bool,
    checkBeforeUpdate: bool,
  }),
  cpu: obj({
    shares: u64,
    quota: i64,
    burst: u64,
    period: u64,
    realtimeRuntime: i64,
    realtimePeriod: u64,
    cpus: str(),
    mems: str(),
    idle: i64,
  }),
  pids: obj({ limit: required(i64) }),
  blockIO: obj({
    weight: u16,
    leafWeight: u16,
    weightDevice: arr(obj({ major: required(i64), minor: required(i64), weight: u16, leafWeight: u16 })),
    throttleReadBpsDevice: arr(throttle),
    throttleWriteBpsDevice: arr(throttle),
    throttleReadIOPSDevice: arr(throttle),
    throttleWriteIOPSDevice: arr(throttle),
  }),
  hugepageLimits: arr(obj({ pageSize: required(str(nonEmpty)), limit: required(u64) })),
  network: obj({ classID: u32, priorities: arr(obj({ name: required(str(nonEmpty)), priority: required(u32) })) }),
  rdma: map(obj({ hcaHandles: u32, hcaObjects: u32 })),
  unified: map(str()),
});

const namespace = obj({
  type: required(str(oneOf(NAMESPACE_TYPES, 'namespace type'))),
  path: str(all(nonEmpty, absolute)),
});

const device = obj(
  {
    path: required(str(all(nonEmpty, absolute))),
    type: required(str(oneOf(['c', 'b', 'u', 'p'], 'device type'))),
    major: i64,
    minor: i64,
    fileMode: u32,
    uid: u32,
    gid: u32,
  },
  (d) => (d.type !== 'p' && (d.major === undefined || d.minor === undefined)
    ? `needs major and minor numbers for a device of type "${String(d.type)}"`
    : undefined),
);

const seccompArg = obj({
  index: required(range(0, SECCOMP_MAX_ARGS - 1)),
  value: required(u64),
  valueTwo: u64,
  op: required(str(oneOf(SECCOMP_OPERATORS, 'seccomp operator'))),
});

const seccomp = obj(
  {
    defaultAction: str(seccompAction),
    defaultErrnoRet: u32,
    architectures: arr(str(oneOf(SECCOMP_ARCHES, 'seccomp architecture', false))),
    flags: arr(str(oneOf(SECCOMP_FLAGS, 'seccomp flag'))),
    listenerPath: str(),
    listenerMetadata: str(),
    syscalls: arr(obj({
      names: required(arr(str(nonEmpty), nonEmptyArray)),
      action: required(str(seccompAction)),
      errnoRet: u32,
      args: arr(seccompArg),
    })),
  },
  // runc: no default action and no rules means "no seccomp"; rules without a default are an error.
  (s): Problem | undefined => (s.defaultAction === undefined && Array.isArray(s.syscalls) && s.syscalls.length > 0
    ? 'needs a defaultAction when syscalls are given'
    : undefined),
);

const intelRdt = obj(
  { closID: str(), l3CacheSchema: str(), memBwSchema: str(), schemata: arr(str()), enableCMT: bool, enableMBM: bool },
  (r) => (Object.values(r).some((v) => v !== undefined && v !== '' && v !== false)
    ? { unsupported: 'Intel RDT is not supported by this runtime' }
    : undefined),
);

const linux = obj({
  uidMappings: arr(idMapping),
  gidMappings: arr(idMapping),
  sysctl: map(str()),
  resources: RESOURCES_SCHEMA,
  cgroupsPath: str(),
  namespaces: arr(namespace, unique('type', 'namespace')),
  devices: arr(device),
  seccomp,
  // runc takes "" as "leave it as it is".
  rootfsPropagation: str((v, at) => (v === '' ? undefined : oneOf(Object.keys(PROPAGATION), 'rootfs propagation')(v, at))),
  maskedPaths: arr(str(absolute)),
  readonlyPaths: arr(str(absolute)),
  mountLabel: str(),
  intelRdt,
  personality: obj({ domain: required(str(oneOf(['LINUX', 'LINUX32'], 'personality domain'))), flags: arr(str()) }),
  timeOffsets: map(obj({ secs: i64, nanosecs: u32 }), (o) => {
    const bad = Object.keys(o).find((k) => k !== 'monotonic' && k !== 'boottime');
    return bad === undefined ? undefined : `unknown clock ${JSON.stringify(bad)} (known: monotonic, boottime)`;
  }),
});

// ---- the document ----

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export const CONFIG_SCHEMA: Node = obj({
  ociVersion: required(str((v) => {
    const m = SEMVER.exec(v);
    if (!m) return `must be a SemVer version like "1.0.2", not ${JSON.stringify(v)}`;
    return m[1] === '1' ? undefined : { unsupported: `version ${v} is not supported (this runtime reads 1.x)` };
  })),
  process: PROCESS_SCHEMA,
  root: required(obj({ path: required(str(nonEmpty)), readonly: bool })),
  hostname: str(),
  domainname: str(),
  mounts: arr(mount),
  hooks,
  annotations: map(str(), (o) => ('' in o ? 'must not have an empty key' : undefined)),
  linux,
});
