/**
 * The OCI spec of a container made from an image, as ctr makes it: containerd's default Linux
 * spec, then the image config, then the container flags, in ctr's order (later steps see the
 * earlier ones: e.g. the seccomp profile follows the capabilities left after --cap-add/--cap-drop).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { InvalidArgumentError } from '../errors';
import { capabilityNamesInOrder } from '../oci/capabilities';
import type { LinuxCapabilities, LinuxNamespace, Spec } from '../oci/types';
import { DEFAULT_UNIX_ENV, defaultUnixSpec } from './default-unix-spec';
import { deviceRule, devicesFromHostPath, hostDevices } from './devices';
import { mergeEnv, readEnvFile } from './env';
import type { RootfsReader } from './rootfs-files';
import { defaultSeccompProfile } from './seccomp';
import { orderSpec } from './spec-order';
import type { ImageConfig, SpecOptions } from './spec-options';
import { additionalGids, resolveUser, specUser } from './user';

export interface SpecSource {
  namespace: string;
  id: string;
  /** The image's config (absent with --rootfs). */
  image?: ImageConfig;
  /** Reads files of the container's rootfs (for user and group names). */
  readFile: RootfsReader;
  /** An absolute rootfs directory to use instead of the bundle's `rootfs` (ctr --rootfs). */
  rootfsPath?: string;
}

const CFS_PERIOD = 100_000;
const NAMESPACE_TYPES = new Set(['pid', 'network', 'ipc', 'uts', 'mount', 'user', 'cgroup']);

/**
 * The capabilities this process holds (its CapEff), in bit order: a privileged container gets
 * what its creator has, as containerd's WithAllCurrentCapabilities gives what containerd has.
 */
function currentCapabilities(): string[] {
  const names = capabilityNamesInOrder();
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) {
      const mask = BigInt(`0x${m[1] as string}`);
      return names.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
    }
  } catch {
    // No procfs: every capability this table knows.
  }
  return names;
}

function setCapabilities(caps: LinuxCapabilities, fn: (list: string[]) => string[]): void {
  for (const k of ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const) {
    const v = caps[k];
    if (v) caps[k] = fn(v);
  }
}

function checkCapNames(names: readonly string[]): void {
  for (const c of names) if (!c.startsWith('CAP_')) throw new InvalidArgumentError(`capability ${c}: capabilities must be specified with 'CAP_' prefix`);
}

/** Go marshals maps with their keys sorted. */
function sortedKeys(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k] as string]));
}

export function generateSpec(src: SpecSource, o: SpecOptions = {}): Spec {
  const s = defaultUnixSpec(src.namespace, src.id);
  const p = s.process as NonNullable<Spec['process']>;
  const linux = s.linux as NonNullable<Spec['linux']>;
  const resources = linux.resources as NonNullable<NonNullable<Spec['linux']>['resources']>;

  if (o.envFile !== undefined) p.env = mergeEnv(p.env ?? [], readEnvFile(o.envFile));
  if (o.env?.length) p.env = mergeEnv(p.env ?? [], o.env);
  if (o.mounts?.length) s.mounts = [...(s.mounts ?? []), ...o.mounts];

  if (src.rootfsPath !== undefined) {
    s.root = { path: src.rootfsPath };
  } else if (src.image) {
    const img = src.image;
    p.env = mergeEnv(img.Env?.length ? img.Env : DEFAULT_UNIX_ENV, p.env ?? []);
    p.args = [...(img.Entrypoint ?? []), ...(img.Cmd ?? [])];
    p.cwd = img.WorkingDir || '/';
    // containerd resolves the image's user, then looks its groups up by the uid's name.
    const u = img.User ? resolveUser(img.User, src.readFile) : { uid: 0, gid: 0 };
    p.user = { uid: u.uid, gid: u.gid, additionalGids: additionalGids(img.User ? String(u.uid) : 'root', u, src.readFile) };
  }

  if (o.readOnly) s.root = { ...(s.root ?? { path: 'rootfs' }), readonly: true };
  if (o.args?.length) p.args = [...o.args];
  if (o.cwd) p.cwd = o.cwd;
  if (o.user) p.user = specUser(o.user, src.readFile);
  if (o.tty) {
    p.terminal = true;
    p.env = mergeEnv(p.env ?? [], ['TERM=xterm']);
  }
  if (o.privileged) {
    const all = currentCapabilities();
    p.capabilities = { bounding: [...all], effective: [...all], permitted: [...all] };
    delete linux.maskedPaths;
    delete linux.readonlyPaths;
    for (const m of s.mounts ?? []) {
      if ((m.type === 'sysfs' || m.type === 'cgroup') && m.options) m.options = m.options.map((x) => (x === 'ro' ? 'rw' : x));
    }
    delete linux.seccomp;
    resources.devices = [{ allow: true, access: 'rwm' }];
    linux.devices = [...(linux.devices ?? []), ...hostDevices()];
  }
  if (o.netHost) {
    linux.namespaces = (linux.namespaces ?? []).filter((n) => n.type !== 'network');
    s.mounts = [...(s.mounts ?? []),
      { destination: '/etc/hosts', type: 'bind', source: '/etc/hosts', options: ['rbind', 'ro'] },
      { destination: '/etc/resolv.conf', type: 'bind', source: '/etc/resolv.conf', options: ['rbind', 'ro'] }];
    p.env = mergeEnv(p.env ?? [], [`HOSTNAME=${os.hostname()}`]);
  }
  const pc = p.capabilities as LinuxCapabilities;
  if (o.capAdd?.length) {
    checkCapNames(o.capAdd);
    const add = o.capAdd;
    for (const k of ['bounding', 'effective', 'permitted'] as const) {
      const list = pc[k] ?? [];
      for (const c of add) if (!list.includes(c)) list.push(c);
      pc[k] = list;
    }
  }
  if (o.capDrop?.length) {
    checkCapNames(o.capDrop);
    const drop = new Set(o.capDrop);
    setCapabilities(pc, (l) => l.filter((c) => !drop.has(c)));
  }
  if (o.seccomp) linux.seccomp = defaultSeccompProfile(pc.bounding ?? []);
  if (o.cpus !== undefined && o.cpus > 0) {
    resources.cpu = { ...resources.cpu, quota: Math.trunc(o.cpus * CFS_PERIOD), period: CFS_PERIOD };
  }
  if (o.cpuShares !== undefined && o.cpuShares > 0) resources.cpu = { ...resources.cpu, shares: o.cpuShares };
  const quota = o.cpuQuota ?? -1;
  const period = o.cpuPeriod ?? 0;
  if (quota !== -1 || period !== 0) {
    if (o.cpus !== undefined && o.cpus > 0) throw new InvalidArgumentError('cpus and quota/period should be used separately');
    resources.cpu = { ...resources.cpu, quota, period };
  }
  if (o.cpusetCpus) resources.cpu = { ...resources.cpu, cpus: o.cpusetCpus };
  for (const ns of o.withNs ?? []) {
    if (!NAMESPACE_TYPES.has(ns.type)) throw new InvalidArgumentError(`namespace type ${ns.type}: not valid for --with-ns (pid, network, ipc, uts, mount, user, cgroup)`);
    const list: LinuxNamespace[] = linux.namespaces ?? [];
    const i = list.findIndex((n) => n.type === ns.type);
    if (i >= 0) list[i] = { type: ns.type, path: ns.path };
    else list.push({ type: ns.type, path: ns.path });
    linux.namespaces = list;
  }
  // Go omits a false noNewPrivileges.
  if (o.allowNewPrivs) delete p.noNewPrivileges;
  if (o.memoryLimit !== undefined && o.memoryLimit > 0) resources.memory = { ...resources.memory, limit: o.memoryLimit };
  for (const d of o.devices ?? []) {
    for (const dev of devicesFromHostPath(d)) {
      linux.devices = [...(linux.devices ?? []), dev];
      resources.devices = [...(resources.devices ?? []), deviceRule(dev, 'rwm')];
    }
  }
  if (o.rootfsPropagation) linux.rootfsPropagation = o.rootfsPropagation;
  if (o.rlimitNofile !== undefined) {
    p.rlimits = [...(p.rlimits ?? []).filter((r) => r.type !== 'RLIMIT_NOFILE'), { type: 'RLIMIT_NOFILE', hard: o.rlimitNofile, soft: o.rlimitNofile }];
  }
  if (o.hostname) s.hostname = o.hostname;
  if (o.annotations && Object.keys(o.annotations).length) s.annotations = sortedKeys({ ...(s.annotations ?? {}), ...o.annotations });
  return orderSpec(s);
}
