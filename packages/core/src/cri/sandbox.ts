/**
 * Pod sandboxes: runp, stopp, rmp, and the lookups behind pods and inspectp. Every step that
 * makes something (files, pinned namespaces, the pid holder, the CNI network) is undone when a
 * later step fails, and stop/remove repeat safely, so a crashed runp is finished off by rmp.
 */
import { randomHex } from '../util/random';
import * as fs from 'node:fs';
import { InvalidArgumentError, NotFoundError, StateError } from '../errors';
import { sandboxPaths, type SandboxPaths } from '../layout';
import type { MetadataStore } from '../metadata/store';
import { MNT_DETACH, MS_NODEV, MS_NOEXEC, MS_NOSUID, mount, umount } from '../sys/mount';
import { addNetwork, delNetwork, loadNetwork, loopbackNetwork, podIps, throwIfCanceled } from './cni';
import type { CniRuntime, Json, NetworkConfigList } from './cni/types';
import { pinNamespaces, unpinNamespaces } from './pin';
import type { PodSandboxConfig } from './pod-config';
import { stopPodContainers, podContainers } from './pod-containers';
import { addHostsEntry, podHostname, writeSandboxFiles } from './sandbox-files';
import {
  CRI_NAMESPACE, DEFAULT_RUNTIME_NAME, KIND_LABEL, RUNTIME_TYPE, sandboxName, sandboxSpec, toExtensions, type Sandbox,
} from './sandbox-record';
import { makeDirs } from '../util/make-dirs';
import { trace } from '../util/trace';


export interface RunPodOptions extends StoreDirs {
  config: PodSandboxConfig;
  runtimeHandler?: string;
  cniConfDir: string;
  cniBinDirs: string[];
  /** host-local's dataDir written into berth's default network config. */
  ipamDataDir: string;
  /**
   * Whether berth may install its default network in an empty conf dir: only in its configured
   * one (config.toml's conf_dir, /etc/berth/cni/net.d by default), never in a directory named by
   * --cni-conf-dir, which may be shared with other tools (containerd fails there).
   */
  installDefaultNetwork?: boolean;
  /**
   * Aborted when the caller gives up (crictl's SIGINT/SIGTERM, -T): the network's ADD stops after the
   * plugin under way, everything made is undone, and CanceledError is thrown (containerd cancels
   * RunPodSandbox with its context likewise and cleans up).
   */
  signal?: AbortSignal;
}

const IFNAME = 'eth0';

function nowNs(): string {
  const { hrtime } = process;
  return (BigInt(Date.now()) * 1_000_000n + (hrtime.bigint() % 1_000_000n)).toString();
}

function save(store: MetadataStore, s: Sandbox): void {
  store.containers.update(CRI_NAMESPACE, s.id, { spec: sandboxSpec(s), extensions: toExtensions(s) });
}

export { listSandboxes, sandboxIds, type StoreDirs } from './sandbox-list';
import { listSandboxes, type StoreDirs } from './sandbox-list';

/** A full id or a unique prefix of one; an ambiguous prefix names its candidates. */
export function resolveSandbox(store: MetadataStore, idOrPrefix: string): Sandbox {
  if (idOrPrefix === '') throw new InvalidArgumentError('pod sandbox ID cannot be empty');
  const all = listSandboxes(store);
  const exact = all.find((s) => s.id === idOrPrefix);
  if (exact) return exact;
  const hits = all.filter((s) => s.id.startsWith(idOrPrefix));
  if (hits.length === 0) throw new NotFoundError(`an error occurred when try to find sandbox "${idOrPrefix}": not found`);
  if (hits.length > 1) throw new InvalidArgumentError(`pod sandbox ID prefix "${idOrPrefix}" is ambiguous: it matches ${hits.map((s) => s.id).join(', ')}`);
  return hits[0] as Sandbox;
}

function cniRuntime(s: Sandbox, binDirs: string[], ifName: string): CniRuntime {
  const m = s.config.metadata;
  const portMappings: Json = s.config.portMappings.filter((p) => p.hostPort > 0).map((p) => ({
    hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol.toLowerCase(), hostIP: p.hostIp,
  }));
  return {
    containerId: s.id, netns: s.netnsPath, ifName, binDirs,
    args: [['IgnoreUnknown', '1'], ['K8S_POD_NAMESPACE', m.namespace], ['K8S_POD_NAME', m.name], ['K8S_POD_INFRA_CONTAINER_ID', s.id], ['K8S_POD_UID', m.uid]],
    capabilityArgs: { portMappings },
  };
}

/**
 * DEL of the pod's network and of its loopback, side by side (two networks, as containerd's
 * go-cni runs them); both run to the end even if one fails, then the first error is thrown.
 */
async function teardownNetwork(s: Sandbox): Promise<void> {
  const n = s.network;
  if (!n || s.netnsClosed) return;
  const done = await Promise.allSettled([
    delNetwork(n.list, cniRuntime(s, n.binDirs, n.ifName), n.result),
    delNetwork(loopbackNetwork(), cniRuntime(s, n.binDirs, 'lo')),
  ]);
  const failed = done.find((d): d is PromiseRejectedResult => d.status === 'rejected');
  if (failed) throw failed.reason;
}

function mountShm(p: SandboxPaths): string {
  makeDirs(p.shm, 0o700);
  mount('shm', p.shm, 'tmpfs', MS_NOSUID | MS_NODEV | MS_NOEXEC, 'mode=1777,size=65536k');
  return p.shm;
}

function unmountShm(shm: string): void {
  if (shm === '') return;
  try {
    umount(shm, MNT_DETACH);
  } catch (err) {
    const errno = (err as { errno?: string }).errno;
    if (errno !== 'EINVAL' && errno !== 'ENOENT') throw err;
  }
}

/**
 * The pod's network, pinned namespaces (and pid holder) and /dev/shm released. `keepOnNetworkError`
 * (stopp): a failed CNI DEL leaves the rest as it is, so the pod stays whole and ready and a later
 * stopp or rmp tries the DEL again (containerd tears the network down before it stops the sandbox);
 * otherwise (a half-made pod's removal) everything is tried and the first error thrown.
 */
async function releaseRuntime(dirs: StoreDirs, s: Sandbox, keepOnNetworkError = false): Promise<void> {
  let first: unknown;
  const step = (fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      first ??= err;
    }
  };
  try {
    await teardownNetwork(s);
  } catch (err) {
    if (keepOnNetworkError) throw err;
    first = err;
  }
  trace('pod: network deleted');
  step(() => unpinNamespaces(sandboxPaths(dirs.root, dirs.state, s.id).nsDir, { paths: s.namespaces, holder: s.holder }));
  step(() => unmountShm(s.files.shm));
  if (first !== undefined) throw first;
}

function removeDirs(dirs: StoreDirs, id: string): void {
  const p = sandboxPaths(dirs.root, dirs.state, id);
  fs.rmSync(p.stateDir, { recursive: true, force: true });
  fs.rmSync(p.rootDir, { recursive: true, force: true });
}

/** CRI RunPodSandbox: returns the new pod's id. */
export async function runPodSandbox(store: MetadataStore, o: RunPodOptions): Promise<string> {
  const c = o.config;
  const nso = c.linux.namespaceOptions;
  if (nso.network === 'TARGET' || nso.network === 'CONTAINER') throw new InvalidArgumentError(`pod config: network namespace mode ${nso.network} is not valid for a pod`);
  if (nso.ipc === 'TARGET' || nso.ipc === 'CONTAINER') throw new InvalidArgumentError(`pod config: ipc namespace mode ${nso.ipc} is not valid for a pod`);
  // One runtime, containerd's default one (`crictl info`: defaultRuntimeName runc): '' or its name.
  const handler = o.runtimeHandler ?? '';
  if (handler !== '' && handler !== DEFAULT_RUNTIME_NAME) throw new InvalidArgumentError(`failed to get sandbox runtime: no runtime for ${JSON.stringify(handler)} is configured`);
  const id = randomHex(32);
  const p = sandboxPaths(o.root, o.state, id);
  const hostNetwork = nso.network === 'NODE';
  const s: Sandbox = {
    id, name: sandboxName(c), config: c, runtimeHandler: handler, createdAt: nowNs(), state: 'SANDBOX_NOTREADY',
    ip: '', additionalIps: [], netnsPath: '', netnsClosed: false, namespaces: {},
    // With the host's network the pod also has the host's uts namespace (as containerd does).
    hostname: hostNetwork ? podHostname('') : podHostname(c.hostname),
    files: { hostname: p.hostname, hosts: p.hosts, resolvConf: p.resolvConf, shm: '' },
    cgroupParent: c.linux.cgroupParent,
  };
  // The record is the name's reservation: made in one transaction with the uniqueness check.
  store.tx(() => {
    const taken = listSandboxes(store).find((x) => x.name === s.name);
    if (taken) throw new StateError(`pod sandbox name "${s.name}" is reserved for "${taken.id}" (remove that pod first)`);
    store.containers.create(CRI_NAMESPACE, {
      id, runtime: { name: RUNTIME_TYPE }, spec: sandboxSpec(s), labels: { ...c.labels, [KIND_LABEL]: 'sandbox' }, extensions: toExtensions(s),
    });
  });
  trace('runp: reserved');
  try {
    writeSandboxFiles(p, { hostname: s.hostname, hostNetwork, dns: c.dnsConfig });
    if (nso.ipc !== 'NODE') s.files.shm = mountShm(p);
    const network = hostNetwork ? undefined : loadNetwork(o.cniConfDir, o.ipamDataDir, o.installDefaultNetwork === true);
    trace('runp: files, network config');
    const pinned = pinNamespaces({
      nsDir: p.nsDir, net: !hostNetwork, ipc: nso.ipc === 'POD', uts: !hostNetwork, pid: nso.pid === 'POD',
      hostname: hostNetwork ? '' : s.hostname, sysctls: c.linux.sysctls, podId: id,
    });
    s.namespaces = pinned.paths;
    s.holder = pinned.holder;
    s.netnsPath = pinned.paths.net ?? '';
    if (network) s.network = { list: network, binDirs: o.cniBinDirs, ifName: IFNAME };
    // Recorded before ADD: a runp killed during it leaves what rmp needs to undo it.
    save(store, s);
    trace('runp: namespaces pinned');
    if (network) {
      await setupNetwork(s, network, o.cniBinDirs, o.signal);
      // Given up during the last plugin: undone all the same, an interrupted runp leaves no pod.
      throwIfCanceled(o.signal, `CNI network "${network.name}"`);
    }
    trace('runp: network added');
    s.state = 'SANDBOX_READY';
    save(store, s);
    return id;
  } catch (err) {
    try {
      await releaseRuntime(o, s);
    } catch { /* the first error is the one to report */ }
    removeDirs(o, id);
    store.containers.delete(CRI_NAMESPACE, id);
    throw err;
  }
}

/** ADD of the loopback and of the pod's network side by side; a failure waits for the other to end. */
async function setupNetwork(s: Sandbox, list: NetworkConfigList, binDirs: string[], signal: AbortSignal | undefined): Promise<void> {
  const [lo, pod] = await Promise.allSettled([
    addNetwork(loopbackNetwork(), { ...cniRuntime(s, binDirs, 'lo'), signal }),
    addNetwork(list, { ...cniRuntime(s, binDirs, IFNAME), signal }),
  ]);
  // The pod network's result first: its DEL (the teardown of a failed ADD too) passes it as prevResult.
  if (pod.status === 'fulfilled') (s.network as NonNullable<Sandbox['network']>).result = pod.value;
  if (lo.status === 'rejected') throw lo.reason;
  if (pod.status === 'rejected') throw pod.reason;
  const result = pod.value;
  const ips = podIps(result, IFNAME);
  s.ip = ips[0] ?? '';
  s.additionalIps = ips.slice(1);
  if (s.ip !== '') addHostsEntry(s.files.hosts, s.ip, s.hostname);
}

/** CRI StopPodSandbox: the pod's containers stopped, its network torn down, its namespaces released. */
export async function stopPodSandbox(store: MetadataStore, dirs: StoreDirs, idOrPrefix: string): Promise<Sandbox> {
  const s = resolveSandbox(store, idOrPrefix);
  stopPodContainers(store, dirs, s.id);
  trace('stopp: containers stopped');
  await releaseRuntime(dirs, s, true);
  trace('stopp: released');
  s.state = 'SANDBOX_NOTREADY';
  s.netnsClosed = true;
  s.holder = undefined;
  save(store, s);
  return s;
}

/** CRI RemovePodSandbox (crictl's rmp): a READY pod needs `force`, which stops it first. */
export async function removePodSandbox(store: MetadataStore, dirs: StoreDirs, idOrPrefix: string, force: boolean): Promise<string> {
  const s = resolveSandbox(store, idOrPrefix);
  if (s.state === 'SANDBOX_READY') {
    if (!force) throw new StateError(`pod sandbox "${s.id}" is running, please stop it first`);
    await stopPodSandbox(store, dirs, s.id);
  } else {
    // A NOTREADY pod may be a runp that died half-way: release whatever it holds.
    await releaseRuntime(dirs, s);
  }
  const left = podContainers(store, s.id);
  if (left.length > 0) throw new StateError(`pod sandbox "${s.id}" still has containers ${left.join(', ')}: remove them first`);
  removeDirs(dirs, s.id);
  store.containers.delete(CRI_NAMESPACE, s.id);
  return s.id;
}
