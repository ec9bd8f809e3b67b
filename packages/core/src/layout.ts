/**
 * Every on-disk path berth uses, in one place. The layout mirrors runc's and containerd's so
 * that their users' habits carry over (see the README's "On-disk state").
 */
import * as path from 'node:path';
import { CORE_DIST } from './dist-dir';
import { sha256Hex } from './content/digest';
import { InvalidArgumentError } from './errors';

/** Default `--root` of the runc clone (runc's is /run/runc). */
export const RUNC_DEFAULT_ROOT = '/run/berth/runc';
/** Default `--root` of ctr and crictl: persistent state. */
export const DEFAULT_ROOT = '/var/lib/berth';
/** Default `--state` of ctr and crictl: ephemeral state. */
export const DEFAULT_STATE = '/run/berth';

/** Paths of one container's runtime state under a runc root. */
export interface ContainerPaths {
  dir: string;
  state: string;
  /** The container's spec, apart from state.json (which listings read for every container). */
  config: string;
  execFifo: string;
  lock: string;
  /** Written while `create` runs: the creator's pid and start time (to spot a create that died). */
  creating: string;
}

/** Normalised directories by the text given (bounded: a process asks for a handful). */
const normalised = new Map<string, string>();

/**
 * path.join(dir, name) for one ordinary path component: the directory normalised once, then a
 * concatenation. Listings build several paths per container or task, and path.join normalises
 * the whole text again each time in code that has not been optimised yet (~15 µs a call: `tasks
 * ls` of 50 spent 2.3 of its ~9 ms of work there).
 */
export function childPath(dir: string, name: string): string {
  // Ids and namespaces become directory names: one that is not a single ordinary component would
  // name another directory (the callers validate first; this is the last line).
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new InvalidArgumentError(`${JSON.stringify(name)} cannot name a state directory`);
  }
  let base = normalised.get(dir);
  if (base === undefined) {
    if (normalised.size > 64) normalised.clear();
    base = path.join(dir, '.');
    normalised.set(dir, base);
  }
  return base === '/' ? `/${name}` : base === '.' ? name : `${base}/${name}`;
}

/** One file of a container's directory (a listing asks for two per container, not all six paths). */
export function containerFile(root: string, id: string, name: 'state.json' | 'config.json' | 'exec.fifo'): string {
  return `${childPath(root, id)}/${name}`;
}

export function containerPaths(root: string, id: string): ContainerPaths {
  const dir = childPath(root, id);
  return {
    dir, state: `${dir}/state.json`, config: `${dir}/config.json`, execFifo: `${dir}/exec.fifo`, lock: `${dir}/.lock`, creating: `${dir}/.creating`,
  };
}

/** Where `exec` (process `pid`) binds its sealed node for a moment (sys/sealed-exe.ts). */
export function execSealScratch(root: string, id: string, pid: number): string {
  return `${childPath(root, id)}/.exe.${pid}`;
}

/** The FIFO an exec's program waits at for its deferred rlimits (runtime/exec.ts). */
export function execGatePath(root: string, id: string, pid: number): string {
  return `${childPath(root, id)}/.exec-gate.${pid}`;
}

/** The runtime root that ctr/crictl use for a namespace, as containerd uses /run/containerd/runc/<ns>. */
export function runtimeRootForNamespace(state: string, namespace: string): string {
  return childPath(childPath(state, 'runc'), namespace);
}

/** The init stage's entry point (dist/init.js: its bundle, or the tsc output without one). */
export function initStageScript(): string {
  return path.join(CORE_DIST, 'init.js');
}

// --- persistent store under --root (containerd's layout) ---------------------------------

export interface MetadataPaths {
  dir: string;
  db: string;
}

/** The transactional metadata store: io.containerd.metadata.v1/meta.db. */
export function metadataPaths(root: string): MetadataPaths {
  const dir = path.join(root, 'io.containerd.metadata.v1');
  return { dir, db: path.join(dir, 'meta.db') };
}

/** A snapshotter's root: io.containerd.snapshotter.v1.<name>. */
export function snapshotterRoot(root: string, snapshotter: 'overlayfs' | 'native'): string {
  return path.join(root, `io.containerd.snapshotter.v1.${snapshotter}`);
}

export function snapshotsDir(sroot: string): string {
  return path.join(sroot, 'snapshots');
}

export function snapshotDir(sroot: string, id: number): string {
  return path.join(sroot, 'snapshots', String(id));
}

/** The snapshotter's JSON record file (until the metadata store takes the records over) and its lock. */
export function snapshotRecordsFile(sroot: string): string {
  return path.join(sroot, 'records.json');
}

export function snapshotRecordsLock(sroot: string): string {
  return path.join(sroot, 'records.lock');
}

/*
 * The content store (io.containerd.content.v1.content). Every path is built from a validated
 * digest's hex or from the sha256 of an ingest ref, never from caller text, so no digest or ref
 * can name a file outside the store.
 */
export interface ContentPaths {
  dir: string;
  /** blobs/sha256: committed, verified blobs named by their hex digest. */
  blobs: string;
  /** ingest/<sha256 of ref>/: one folder per active (possibly abandoned) write. */
  ingest: string;
  /** labels/sha256/<hex>.json: store-level labels of a blob (see store.ts). */
  labels: string;
}

export function contentPaths(root: string): ContentPaths {
  const dir = path.join(root, 'io.containerd.content.v1.content');
  return { dir, blobs: path.join(dir, 'blobs', 'sha256'), ingest: path.join(dir, 'ingest'), labels: path.join(dir, 'labels', 'sha256') };
}

export function blobPath(p: ContentPaths, digest: string): string {
  return path.join(p.blobs, sha256Hex(digest));
}

export function labelsPath(p: ContentPaths, digest: string): string {
  return path.join(p.labels, `${sha256Hex(digest)}.json`);
}

/** The ingest folder name of a ref: its sha256, as containerd does, so any ref text is safe. */
export function ingestKey(ref: string): string {
  // node:crypto loads only here: layout.ts is on every CLI's start-up path.
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(ref, 'utf8').digest('hex');
}

export interface IngestPaths {
  dir: string;
  data: string;
  ref: string;
  startedAt: string;
  updatedAt: string;
  total: string;
  lock: string;
  /** Serialises the breaking of a stale `lock` between processes (see lock.ts). */
  breakLock: string;
}

export function ingestPathsOf(dir: string): IngestPaths {
  // dir is normalised by taskDir: plain concatenation (`tasks ls` builds these for every task).
  const j = (n: string): string => `${dir}/${n}`;
  return { dir, data: j('data'), ref: j('ref'), startedAt: j('startedat'), updatedAt: j('updatedat'), total: j('total'), lock: j('lock'), breakLock: j('lock.break') };
}

export function ingestPaths(p: ContentPaths, ref: string): IngestPaths {
  return ingestPathsOf(path.join(p.ingest, ingestKey(ref)));
}

/**
 * The lock between pulls (shared, for their whole run) and garbage collection (exclusive): a
 * pull that finds a blob already stored must not see it deleted before its image is recorded.
 */
export function gcLockPath(root: string): string {
  return path.join(root, 'io.containerd.content.v1.content', '.gc.lock');
}

// --- tasks under --state (containerd's io.containerd.runtime.v2.task) -----------------------

/** A task's bundle directory: config.json, rootfs (the snapshot's mount), shim pid, stdio, exit status. */
export function taskDir(state: string, namespace: string, id: string): string {
  return childPath(taskNamespaceDir(state, namespace), id);
}

/** Every task directory of a namespace lives here. */
export function taskNamespaceDir(state: string, namespace: string): string {
  return childPath(childPath(state, 'io.containerd.runtime.v2.task'), namespace);
}

// --- helpers append their own sections below this line, one per concern -------------------

// --- a task directory's files (tasks/, the shim) ----------------------------------------------

/** One task directory: the bundle the runtime creates from, and the shim's files beside it. */
export interface TaskPaths {
  dir: string;
  /** The container's spec with root.path set to the rootfs below (the runtime's bundle config). */
  config: string;
  /** The container's snapshot is mounted here (unless the spec names its own rootfs). */
  rootfs: string;
  /** What the shim was asked to do (written by the starter before spawning it). */
  options: string;
  /** The shim's pid and start time (JSON), written once it is spawned. */
  shim: string;
  /** The init's exit status and time (JSON), written atomically by the shim. */
  exit: string;
  /** The shim's own messages (it has no terminal). */
  log: string;
  /** Control FIFO: one JSON message a line (resize, close-stdin). */
  control: string;
  stdin: string;
  stdout: string;
  stderr: string;
  /** execs/<exec-id>.json: processes started by `tasks exec`. */
  execs: string;
}

export function taskPaths(state: string, namespace: string, id: string): TaskPaths {
  const dir = taskDir(state, namespace, id);
  // dir is normalised by taskDir: plain concatenation (`tasks ls` builds these for every task).
  const j = (n: string): string => `${dir}/${n}`;
  return {
    dir, config: j('config.json'), rootfs: j('rootfs'), options: j('shim-options.json'), shim: j('shim.json'), exit: j('exit.json'),
    log: j('shim.log'), control: j('control'), stdin: j('stdin'), stdout: j('stdout'), stderr: j('stderr'), execs: j('execs'),
  };
}

/** The shim's entry point (dist/tasks/shim/entry.js: runs dist/shim.bundle.js, or the tsc output). */
export function shimEntryScript(): string {
  return path.join(CORE_DIST, 'tasks', 'shim', 'entry.js');
}

// --- CRI pod sandboxes (containerd's io.containerd.grpc.v1.cri) ----------------------------

/** A pod's persistent files: hostname, hosts, resolv.conf (containers bind-mount them). */
export function sandboxRootDir(root: string, id: string): string {
  return path.join(root, 'io.containerd.grpc.v1.cri', 'sandboxes', id);
}

/** A pod's ephemeral state: pinned namespace files (ns/<type>) and the shared /dev/shm. */
export function sandboxStateDir(state: string, id: string): string {
  return path.join(state, 'io.containerd.grpc.v1.cri', 'sandboxes', id);
}

export interface SandboxPaths {
  rootDir: string;
  stateDir: string;
  hostname: string;
  hosts: string;
  resolvConf: string;
  /** Pinned namespaces: <stateDir>/ns/{net,ipc,uts,pid}. */
  nsDir: string;
  shm: string;
}

export function sandboxPaths(root: string, state: string, id: string): SandboxPaths {
  const rootDir = sandboxRootDir(root, id);
  const stateDir = sandboxStateDir(state, id);
  return {
    rootDir, stateDir,
    hostname: path.join(rootDir, 'hostname'),
    hosts: path.join(rootDir, 'hosts'),
    resolvConf: path.join(rootDir, 'resolv.conf'),
    nsDir: path.join(stateDir, 'ns'),
    shm: path.join(stateDir, 'shm'),
  };
}

/** A CRI container's ephemeral state (containerd's io.containerd.grpc.v1.cri/containers/<id>). */
export interface CriContainerStatePaths {
  dir: string;
  /** The listening socket of the shim parked for the container's task (tasks/parked.ts). */
  parkedSocket: string;
  /** That shim's pid and start time (ShimInfo). */
  parkedShim: string;
  /** Beside the directory: held by a start and a remove of the container (cri/container-lock.ts). */
  lock: string;
}

export function criContainerStatePaths(state: string, id: string): CriContainerStatePaths {
  const dir = path.join(state, 'io.containerd.grpc.v1.cri', 'containers', id);
  return { dir, parkedSocket: path.join(dir, 'shim.sock'), parkedShim: path.join(dir, 'shim.json'), lock: `${dir}.lock` };
}

/** host-local's IP allocations for berth's default network (ephemeral, like the netns they serve). */
export function cniIpamDataDir(state: string): string {
  return path.join(state, 'cni', 'networks');
}

/** Where berth installs its default network config when the conf dir has none. */
export const DEFAULT_CNI_CONF_DIR = '/etc/berth/cni/net.d';
/** Debian's containernetworking-plugins. */
export const DEFAULT_CNI_BIN_DIR = '/usr/lib/cni';

// --- image unpacking (services/unpack-image.ts) ---------------------------------------------

/** Serialises extraction of one chain ID across processes (256 lock files, by chain-ID prefix). */
export function unpackLockPath(root: string, snapshotter: string, chainID: string): string {
  const hex = chainID.replace(/^sha256:/, '');
  return path.join(root, `io.containerd.snapshotter.v1.${snapshotter}`, 'unpack-locks', `${hex.slice(0, 2)}.lock`);
}

