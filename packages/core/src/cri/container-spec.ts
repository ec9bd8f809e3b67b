/**
 * The OCI spec of a container in a pod, shaped as containerd 1.7's CRI plugin builds it
 * (containerSpec in pkg/cri/server/container_create_linux.go): the default Unix spec without /run
 * and without the default rlimits and seccomp, the image's entrypoint/cmd/env/workdir/user under
 * CRI's rules, the pod's pinned namespaces joined by path, its /etc files and /dev/shm, CRI mounts
 * and devices, capabilities, resources, the pod's cgroup parent and the io.kubernetes.cri.*
 * annotations.
 *
 * Deviation: with no cgroup_parent in the pod config, containerd's relative path "<id>" would land
 * where the runtime puts it; berth keeps ctr's "/k8s.io/<id>" so a container never sits in the
 * CLI's own cgroup.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, UnsupportedError } from '../errors';
import { capabilityNamesInOrder } from '../oci/capabilities';
import type { LinuxCapabilities, LinuxNamespace, Mount, Spec } from '../oci/types';
import { defaultUnixSpec } from '../containers/default-unix-spec';
import { deviceRule, devicesFromHostPath, hostDevices } from '../containers/devices';
import { mergeEnv } from '../containers/env';
import type { RootfsReader } from '../containers/rootfs-files';
import { defaultSeccompProfile } from '../containers/seccomp';
import type { ImageConfig } from '../containers/spec-options';
import { orderSpec } from '../containers/spec-order';
import { additionalGids, resolveUser } from '../containers/user';
import type { ContainerConfig, Propagation } from './container-config';
import { CRI_NAMESPACE, type Sandbox } from './sandbox-record';
import { makeDirs } from '../util/make-dirs';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** containerd's pkg/cri/annotations keys. */
export const ANNOTATIONS = {
  containerType: 'io.kubernetes.cri.container-type',
  sandboxId: 'io.kubernetes.cri.sandbox-id',
  sandboxNamespace: 'io.kubernetes.cri.sandbox-namespace',
  sandboxUid: 'io.kubernetes.cri.sandbox-uid',
  sandboxName: 'io.kubernetes.cri.sandbox-name',
  containerName: 'io.kubernetes.cri.container-name',
  imageName: 'io.kubernetes.cri.image-name',
} as const;

export interface ContainerSpecInput {
  id: string;
  config: ContainerConfig;
  sandbox: Sandbox;
  image: ImageConfig;
  /** The image reference the config asked for (the image-name annotation). */
  imageName: string;
  readFile: RootfsReader;
}

/** CRI's command/args over the image's Entrypoint/Cmd (moby's commit rules, as containerd). */
export function processArgs(c: ContainerConfig, img: ImageConfig): string[] {
  let command = c.command;
  let args = c.args;
  if (command.length === 0) {
    if (args.length === 0) args = [...(img.Cmd ?? [])];
    const ep = img.Entrypoint ?? [];
    if (!(ep.length === 1 && ep[0] === '')) command = [...ep];
  }
  if (command.length === 0 && args.length === 0) throw new InvalidArgumentError(`container "${c.metadata.name}": no command specified (neither the config nor the image gives one)`);
  return [...command, ...args];
}

const PROPAGATION_OPTION: Record<Propagation, string> = {
  PROPAGATION_PRIVATE: 'rprivate', PROPAGATION_HOST_TO_CONTAINER: 'rslave', PROPAGATION_BIDIRECTIONAL: 'rshared',
};

const depth = (p: string): number => path.posix.normalize(p).split('/').filter(Boolean).length;

/** CRI mounts plus the pod's files: sorted by depth (parents first), replacing default mounts at the same place. */
function withMounts(s: Spec, c: ContainerConfig, sb: Sandbox): void {
  const ro = c.linux.securityContext.readonlyRootfs;
  const extra: { containerPath: string; hostPath: string; readonly: boolean; propagation: Propagation }[] = [];
  const has = (p: string): boolean => c.mounts.some((m) => path.posix.normalize(m.containerPath) === p);
  if (!has('/etc/hostname')) extra.push({ containerPath: '/etc/hostname', hostPath: sb.files.hostname, readonly: ro, propagation: 'PROPAGATION_PRIVATE' });
  if (!has('/etc/hosts')) extra.push({ containerPath: '/etc/hosts', hostPath: sb.files.hosts, readonly: ro, propagation: 'PROPAGATION_PRIVATE' });
  if (!has('/etc/resolv.conf')) extra.push({ containerPath: '/etc/resolv.conf', hostPath: sb.files.resolvConf, readonly: ro, propagation: 'PROPAGATION_PRIVATE' });
  if (!has('/dev/shm')) extra.push({ containerPath: '/dev/shm', hostPath: sb.files.shm !== '' ? sb.files.shm : '/dev/shm', readonly: false, propagation: 'PROPAGATION_PRIVATE' });
  const all = [...extra, ...c.mounts.map((m) => ({ containerPath: m.containerPath, hostPath: m.hostPath, readonly: m.readonly, propagation: m.propagation }))];
  all.sort((a, b) => depth(a.containerPath) - depth(b.containerPath));
  const dests = new Set(all.map((m) => path.posix.normalize(m.containerPath)));
  const base = (s.mounts ?? []).filter((m) => !dests.has(path.posix.normalize(m.destination)));
  // Read-only cgroup filesystem, as containerd (and docker) give every container.
  if (!dests.has('/sys/fs/cgroup')) base.push({ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] });
  const added: Mount[] = all.map((m) => {
    if (!path.isAbsolute(m.containerPath)) throw new InvalidArgumentError(`mount ${m.containerPath}: container_path must be absolute`);
    const src = path.resolve(m.hostPath);
    // A host path that does not exist becomes a directory (containerd does the same).
    if (!fs.existsSync(src)) makeDirs(src, 0o755);
    return { destination: m.containerPath, type: 'bind', source: src, options: ['rbind', PROPAGATION_OPTION[m.propagation], m.readonly ? 'ro' : 'rw'] };
  });
  s.mounts = [...base, ...added];
}

function upperCap(c: string): string {
  return `CAP_${c.toUpperCase()}`;
}

function withCapabilities(p: NonNullable<Spec['process']>, c: ContainerConfig): void {
  const caps = c.linux.securityContext.capabilities;
  const pc = p.capabilities as LinuxCapabilities;
  const known = new Set(capabilityNamesInOrder());
  const isAll = (x: string): boolean => x.toUpperCase() === 'ALL';
  if (caps.addCapabilities.some(isAll)) {
    const all = capabilityNamesInOrder();
    p.capabilities = { bounding: [...all], effective: [...all], permitted: [...all] };
  }
  if (caps.dropCapabilities.some(isAll)) p.capabilities = { bounding: [], effective: [], permitted: [] };
  const cur = p.capabilities ?? pc;
  for (const a of caps.addCapabilities.filter((x) => !isAll(x)).map(upperCap)) {
    if (!known.has(a)) throw new InvalidArgumentError(`capability ${a}: unknown`);
    for (const k of ['bounding', 'effective', 'permitted'] as const) {
      const l = cur[k] ?? [];
      if (!l.includes(a)) l.push(a);
      cur[k] = l;
    }
  }
  const drop = new Set(caps.dropCapabilities.filter((x) => !isAll(x)).map(upperCap));
  for (const k of ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const) {
    const l = cur[k];
    if (l) cur[k] = l.filter((x) => !drop.has(x));
  }
  p.capabilities = cur;
}

/** The pod's namespaces by path; pid by the container's own mode. */
function withNamespaces(s: Spec, c: ContainerConfig, sb: Sandbox): void {
  const linux = s.linux as NonNullable<Spec['linux']>;
  const out: LinuxNamespace[] = [];
  const pidMode = c.linux.securityContext.namespaceOptions.pid;
  if (pidMode === 'TARGET') throw new UnsupportedError(`container "${c.metadata.name}": pid namespace mode TARGET is not supported by berth`);
  for (const ns of linux.namespaces ?? []) {
    if (ns.type === 'network' || ns.type === 'ipc' || ns.type === 'uts') {
      const pinned = sb.namespaces[ns.type === 'network' ? 'net' : ns.type];
      // Not pinned: the pod uses the host's (NODE), so the container does too.
      if (pinned) out.push({ type: ns.type, path: pinned });
    } else if (ns.type === 'pid') {
      if (pidMode === 'NODE') continue;
      if (pidMode === 'POD' && sb.namespaces.pid) out.push({ type: 'pid', path: sb.namespaces.pid });
      else out.push({ type: 'pid' });
    } else out.push(ns);
  }
  linux.namespaces = out;
}

/**
 * A CRI memory limit as the spec's: without a swap limit of its own, memory+swap is capped at the
 * limit where the host accounts swap, so the container cannot swap (containerd's WithResources).
 */
export function criMemory(limit: number, swapLimit = 0): NonNullable<NonNullable<Spec['linux']>['resources']>['memory'] {
  if (swapLimit > 0) return { limit, swap: swapLimit };
  const { swapControllerAvailable } = require('../cgroups') as typeof import('../cgroups');
  return swapControllerAvailable() ? { limit, swap: limit } : { limit };
}

function withResources(s: Spec, c: ContainerConfig): void {
  const r = c.linux.resources;
  const res = (s.linux as NonNullable<Spec['linux']>).resources ?? {};
  const cpu: NonNullable<typeof res.cpu> = {};
  if (r.cpuShares > 0) cpu.shares = r.cpuShares;
  if (r.cpuQuota !== 0) cpu.quota = r.cpuQuota;
  if (r.cpuPeriod > 0) cpu.period = r.cpuPeriod;
  if (r.cpusetCpus !== '') cpu.cpus = r.cpusetCpus;
  if (r.cpusetMems !== '') cpu.mems = r.cpusetMems;
  if (Object.keys(cpu).length > 0) res.cpu = cpu;
  if (r.memoryLimitInBytes > 0) res.memory = criMemory(r.memoryLimitInBytes, r.memorySwapLimitInBytes);
  if (Object.keys(r.unified).length > 0) res.unified = { ...r.unified };
  (s.linux as NonNullable<Spec['linux']>).resources = res;
}

function withUser(p: NonNullable<Spec['process']>, c: ContainerConfig, img: ImageConfig, read: RootfsReader): void {
  const sc = c.linux.securityContext;
  let user = sc.runAsUsername !== '' ? sc.runAsUsername : sc.runAsUser !== undefined ? String(sc.runAsUser) : '';
  if (user !== '' && sc.runAsGroup !== undefined) user += `:${sc.runAsGroup}`;
  if (user === '' && sc.runAsGroup !== undefined) throw new InvalidArgumentError(`container "${c.metadata.name}": run_as_group needs run_as_user or run_as_username`);
  if (user === '') user = img.User ?? '';
  const u = user !== '' ? resolveUser(user, read) : { uid: 0, gid: 0 };
  const lookup = sc.runAsUsername !== '' ? sc.runAsUsername : String(sc.runAsUser ?? (user !== '' ? u.uid : 0));
  const gids = additionalGids(lookup, u, read);
  for (const g of sc.supplementalGroups) if (!gids.includes(g)) gids.push(g);
  p.user = { uid: u.uid, gid: u.gid, additionalGids: gids };
}

function withSeccomp(s: Spec, c: ContainerConfig): void {
  const linux = s.linux as NonNullable<Spec['linux']>;
  const sc = c.linux.securityContext.seccomp;
  if (c.linux.securityContext.privileged || sc.profileType === 'Unconfined') return;
  if (sc.profileType === 'RuntimeDefault') {
    linux.seccomp = defaultSeccompProfile(s.process?.capabilities?.bounding ?? []);
    return;
  }
  try {
    linux.seccomp = JSON.parse(fs.readFileSync(sc.localhostRef, 'utf8')) as NonNullable<Spec['linux']>['seccomp'];
  } catch (err) {
    throw new InvalidArgumentError(`seccomp profile ${sc.localhostRef}: ${(err as Error).message}`);
  }
}

function cgroupsPath(parent: string, id: string): string {
  if (parent === '') return path.posix.join('/', CRI_NAMESPACE, id);
  // systemd cgroup parents (foo.slice) take containerd's "slice:prefix:name" form.
  if (parent.endsWith('.slice')) return `${path.posix.basename(parent)}:cri-containerd:${id}`;
  return path.posix.join(parent, id);
}

export function containerSpec(i: ContainerSpecInput): Spec {
  const { config: c, sandbox: sb, image: img } = i;
  const sc = c.linux.securityContext;
  const s = defaultUnixSpec(CRI_NAMESPACE, i.id);
  const p = s.process as NonNullable<Spec['process']>;
  const linux = s.linux as NonNullable<Spec['linux']>;
  // WithoutRunMount and WithoutDefaultSecuritySettings.
  s.mounts = (s.mounts ?? []).filter((m) => m.destination !== '/run');
  delete p.rlimits;
  delete linux.seccomp;

  p.args = processArgs(c, img);
  p.cwd = c.workingDir || img.WorkingDir || '/';
  if (c.tty) p.terminal = true;
  const env = [...(img.Env ?? []), ...c.envs.map((e) => `${e.key}=${e.value}`)];
  p.env = mergeEnv(mergeEnv([DEFAULT_PATH], [`HOSTNAME=${sb.hostname}`]), env);

  withMounts(s, c, sb);
  if (sc.maskedPaths !== undefined) linux.maskedPaths = [...sc.maskedPaths];
  if (sc.readonlyPaths !== undefined) linux.readonlyPaths = [...sc.readonlyPaths];
  const resources = linux.resources ?? {};
  if (sc.privileged) {
    const all = capabilityNamesInOrder();
    p.capabilities = { bounding: [...all], effective: [...all], permitted: [...all] };
    delete linux.maskedPaths;
    delete linux.readonlyPaths;
    for (const m of s.mounts ?? []) if ((m.type === 'sysfs' || m.type === 'cgroup') && m.options) m.options = m.options.map((x) => (x === 'ro' ? 'rw' : x));
    linux.devices = hostDevices();
    resources.devices = [{ allow: true, access: 'rwm' }];
  } else {
    for (const d of c.devices) {
      for (const dev of devicesFromHostPath(d.hostPath)) {
        const inside = d.containerPath !== '' ? path.posix.join(d.containerPath, path.relative(d.hostPath, dev.path)) : dev.path;
        linux.devices = [...(linux.devices ?? []), { ...dev, path: inside }];
        resources.devices = [...(resources.devices ?? []), deviceRule(dev, d.permissions)];
      }
    }
    withCapabilities(p, c);
  }
  linux.resources = resources;
  delete p.capabilities?.ambient;
  p.oomScoreAdj = c.linux.resources.oomScoreAdj;
  linux.cgroupsPath = cgroupsPath(sb.cgroupParent, i.id);
  withResources(s, c);
  withNamespaces(s, c, sb);
  withUser(p, c, img, i.readFile);
  if (sc.readonlyRootfs) s.root = { path: 'rootfs', readonly: true };
  // containerd: WithNewPrivileges, then no_new_privs from the security context (false is omitted).
  if (sc.noNewPrivs) p.noNewPrivileges = true;
  else delete p.noNewPrivileges;
  withSeccomp(s, c);
  const m = sb.config.metadata;
  s.annotations = {
    [ANNOTATIONS.containerType]: 'container',
    [ANNOTATIONS.sandboxId]: sb.id,
    [ANNOTATIONS.sandboxNamespace]: m.namespace,
    [ANNOTATIONS.sandboxUid]: m.uid,
    [ANNOTATIONS.sandboxName]: m.name,
    [ANNOTATIONS.containerName]: c.metadata.name,
    [ANNOTATIONS.imageName]: i.imageName,
  };
  return orderSpec(s);
}
