/**
 * The runtime's record of one container (`<root>/<id>/state.json`, its spec in config.json beside
 * it) and its live status. The record is written at create (atomically) and read by every other
 * command; status is derived from the live system, as runc does, so a crashed container is never
 * "running".
 */
import * as fs from 'node:fs';
import { containerFile, containerPaths } from '../layout';
import { NotFoundError } from '../errors';
import { isLive, isSameProcess, procStat } from '../sys/proc';
import { readSmallFile } from '../sys/small-file';
import { kernelAtLeast } from '../sys/kernel';
import { loadCgroupManager, type CgroupManager } from '../cgroups';
import type { ContainerStatus, LinuxNamespaceType, Spec, State } from '../oci/types';
import { writeFileAtomic } from '../util/atomic';
import { validateId } from '../oci/container-id';
import { StateError } from '../errors';

export interface CgroupRef {
  version: 1 | 2;
  path: string;
  /** controller -> directory: on v1 they can differ per controller (relative cgroupsPath). */
  paths: Record<string, string>;
}

/** The container's cgroup manager, re-opened from the record. */
export function recordCgroup(rec: ContainerRecord): CgroupManager | undefined {
  return rec.cgroup ? loadCgroupManager(rec.cgroup.version, rec.cgroup.path, rec.cgroup.paths) : undefined;
}

export interface ContainerRecord {
  /** Format version of this record. */
  version: 1;
  id: string;
  bundle: string;
  rootfs: string;
  /** RFC3339Nano, as runc prints it. */
  created: string;
  /** uid of the creator (runc's list shows its user name). */
  ownerUid: number;
  initPid: number;
  /** /proc/<pid>/stat start time of the init: guards against a recycled pid. */
  initStartTime: number;
  /**
   * The process that created it (runc's CLI, a task's shim). While it is still the init's parent
   * it is alive (an orphan is reparented at once): `tasks ls` needs no shim record then.
   */
  creatorPid?: number;
  /** The spec: kept in config.json and read from there when first used (see readRecord). */
  config: Spec;
  /**
   * What `state`, `list` and the lifecycle's hooks need of the spec, in state.json itself: a
   * listing parses ~0.9 KB per container instead of ~3.7 (undefined in records that hold the spec).
   */
  head?: SpecHead;
  cgroup: CgroupRef | null;
  /** Namespace files to join for `exec` (e.g. {net: "/proc/123/ns/net"}); kept as paths of the init. */
  namespaces: Partial<Record<LinuxNamespaceType, string>>;
  /** The container's processes live in their own PID namespace (killing init kills them all). */
  ownPidNamespace: boolean;
}

export type SpecHead = Pick<Spec, 'ociVersion' | 'annotations' | 'hooks'>;

/** A state.json that is not a record berth wrote (`delete --force` still removes its directory). */
export class CorruptRecordError extends StateError {}

export function readRecord(root: string, id: string): ContainerRecord {
  // An id is a directory's name under the root: '', '..' or 'a/b' would name another directory
  // (`delete --force ..` removed the root's parent before this check).
  validateId(id);
  const text = readSmallFile(containerFile(root, id, 'state.json'));
  if (text === undefined) throw new NotFoundError(`container ${id} does not exist`);
  let rec: ContainerRecord;
  try {
    rec = JSON.parse(text) as ContainerRecord;
  } catch (err) {
    throw new CorruptRecordError(`container ${id}: its state.json is corrupt: ${(err as Error).message}`);
  }
  // What every reader relies on; a record without it is no record of ours (`{}` failed deep inside).
  if (rec === null || typeof rec !== 'object' || typeof rec.initPid !== 'number' || typeof rec.bundle !== 'string' || typeof rec.id !== 'string') {
    throw new CorruptRecordError(`container ${id}: its state.json is corrupt: not a container record`);
  }
  // The spec when first asked for (most commands never read it): a getter on a prototype shared
  // by the root's records, not a property defined on each (a listing of 100 allocated ~100 KB of
  // closures and descriptors for it).
  if (rec.config === undefined) Object.setPrototypeOf(rec, lazySpecProto(root));
  return rec;
}

const lazySpecProtos = new Map<string, object>();

function lazySpecProto(root: string): object {
  let proto = lazySpecProtos.get(root);
  if (proto === undefined) {
    // Once read (or set), the spec is the record's own, non-enumerable as before: never written
    // into state.json, not copied by a spread.
    const own = (rec: ContainerRecord, spec: Spec): Spec => {
      Object.defineProperty(rec, 'config', { value: spec, writable: true, enumerable: false, configurable: true });
      return spec;
    };
    proto = Object.defineProperty({}, 'config', {
      configurable: true,
      enumerable: false,
      get(this: ContainerRecord): Spec { return own(this, readSpec(containerFile(root, this.id, 'config.json'), this.id)); },
      set(this: ContainerRecord, v: Spec) { own(this, v); },
    });
    lazySpecProtos.set(root, proto);
  }
  return proto;
}

function readSpec(file: string, id: string): Spec {
  const text = readSmallFile(file);
  if (text === undefined) throw new StateError(`container ${id}: its spec (${file}) is gone`);
  return JSON.parse(text) as Spec;
}

/** The spec beside the record (config.json), as writeRecord writes it. */
export function writeSpec(root: string, id: string, spec: Spec): void {
  // Ephemeral state (AtomicWriteOptions): no fsync, as runc's state.json.
  writeFileAtomic(containerPaths(root, id).config, JSON.stringify(spec), { durable: false });
}

/**
 * Writes the record: the spec to config.json first (unless `specWritten`: create writes it while
 * its init starts), then state.json, which makes it visible.
 */
export function writeRecord(root: string, rec: ContainerRecord, specWritten = false): void {
  const paths = containerPaths(root, rec.id);
  // The head is made anew from the spec (update may have changed it).
  const { config: spec, head: _stale, ...rest } = rec;
  if (!specWritten) writeSpec(root, rec.id, spec);
  const head: SpecHead = { ociVersion: spec.ociVersion, annotations: spec.annotations, hooks: spec.hooks };
  writeFileAtomic(paths.state, JSON.stringify({ ...rest, head }), { durable: false });
}

/** The spec's head: from state.json, or from the spec a record of the older kind holds. */
export function specHead(rec: ContainerRecord): SpecHead {
  return rec.head ?? rec.config;
}

/** Lists container ids under a root (directories that hold a state.json). */
export function listIds(root: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  // Every entry: an id may start with a dot (runc's rule allows ".x"); what holds no record (a
  // create or delete under way) is skipped by the readers, as runc skips it.
  return names.filter((n) => n !== '.' && n !== '..').sort();
}

/** True while the init's process is alive (and is still the same process). */
export function initAlive(rec: ContainerRecord): boolean {
  return rec.initPid > 0 && isSameProcess(rec.initPid, rec.initStartTime);
}

/**
 * Whether the container's cgroup is frozen, from the cgroup itself. `initState`, the init's /proc
 * state when the caller has read it, spares v1's freezer file where the kernel tells: since Linux
 * 6.1 a task frozen by v1's freezer is in TASK_FROZEN, which /proc shows as 'R' (6.1–6.12) or 'D'
 * (6.13, and stable backports), never as 'S': an init sleeping in 'S' is not frozen. Before 6.1 a
 * task frozen in a freezable sleep stays 'S', and v2's frozen tasks look like any sleeper on every
 * kernel: the cgroup's file is read then.
 */
function frozen(rec: ContainerRecord, initState?: string): boolean {
  if (!rec.cgroup) return false;
  try {
    if (rec.cgroup.version === 2) {
      return /^frozen 1$/m.test(readSmallFile(`${rec.cgroup.paths['']}/cgroup.events`) ?? '');
    }
    const dir = rec.cgroup.paths.freezer;
    if (!dir) return false;
    if (initState === 'S' && kernelAtLeast(6, 1)) return false;
    const state = readSmallFile(`${dir}/freezer.state`)?.trim();
    return state === 'FROZEN' || state === 'FREEZING';
  } catch {
    return false;
  }
}

export function containerStatus(root: string, rec: ContainerRecord): ContainerStatus {
  const init = rec.initPid > 0 ? procStat(rec.initPid) : undefined;
  return init !== undefined && isLive(init, rec.initStartTime) ? liveStatus(root, rec, init.state) : 'stopped';
}

/**
 * The status of a container whose init is alive: paused, created (its exec FIFO waits) or running.
 * `initState`: the init's state in /proc, when the caller has it (see frozen()).
 */
export function liveStatus(root: string, rec: ContainerRecord, initState?: string): ContainerStatus {
  if (frozen(rec, initState)) return 'paused';
  if (fs.existsSync(containerFile(root, rec.id, 'exec.fifo'))) return 'created';
  return 'running';
}

/** What `runc state` prints: runc's field names and order. */
export interface StateView extends State {
  rootfs: string;
  created: string;
  owner: string;
}

export function stateView(root: string, rec: ContainerRecord): StateView {
  const status = containerStatus(root, rec);
  const head = specHead(rec);
  const annotations = head.annotations && Object.keys(head.annotations).length > 0 ? head.annotations : undefined;
  // runc's field order: annotations (when any), then owner.
  return {
    ociVersion: head.ociVersion,
    id: rec.id,
    pid: status === 'stopped' ? 0 : rec.initPid,
    status,
    bundle: rec.bundle,
    rootfs: rec.rootfs,
    created: rec.created,
    ...(annotations ? { annotations } : {}),
    owner: '',
  };
}
