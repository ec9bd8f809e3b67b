/**
 * The runtime's record of one container (`<root>/<id>/state.json`) and its live status.
 * The record is written once at create (atomically) and read by every other command; status
 * is derived from the live system, as runc does, so a crashed container is never "running".
 */
import * as fs from 'node:fs';
import { containerPaths } from '../layout';
import { NotFoundError } from '../errors';
import { isSameProcess } from '../sys/proc';
import { readSmallFile } from '../sys/small-file';
import { loadCgroupManager, type CgroupManager } from '../cgroups';
import type { ContainerStatus, LinuxNamespaceType, Spec, State } from '../oci/types';

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
  config: Spec;
  cgroup: CgroupRef | null;
  /** Namespace files to join for `exec` (e.g. {net: "/proc/123/ns/net"}); kept as paths of the init. */
  namespaces: Partial<Record<LinuxNamespaceType, string>>;
  /** The container's processes live in their own PID namespace (killing init kills them all). */
  ownPidNamespace: boolean;
}

export function readRecord(root: string, id: string): ContainerRecord {
  const text = readSmallFile(containerPaths(root, id).state);
  if (text === undefined) throw new NotFoundError(`container ${id} does not exist`);
  return JSON.parse(text) as ContainerRecord;
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
  return names.filter((n) => !n.startsWith('.')).sort();
}

/** True while the init's process is alive (and is still the same process). */
export function initAlive(rec: ContainerRecord): boolean {
  return rec.initPid > 0 && isSameProcess(rec.initPid, rec.initStartTime);
}

function frozen(rec: ContainerRecord): boolean {
  if (!rec.cgroup) return false;
  try {
    if (rec.cgroup.version === 2) {
      return /^frozen 1$/m.test(readSmallFile(`${rec.cgroup.paths['']}/cgroup.events`) ?? '');
    }
    const dir = rec.cgroup.paths.freezer;
    if (!dir) return false;
    const state = readSmallFile(`${dir}/freezer.state`)?.trim();
    return state === 'FROZEN' || state === 'FREEZING';
  } catch {
    return false;
  }
}

export function containerStatus(root: string, rec: ContainerRecord): ContainerStatus {
  return initAlive(rec) ? liveStatus(root, rec) : 'stopped';
}

/** The status of a container whose init is alive: paused, created (its exec FIFO waits) or running. */
export function liveStatus(root: string, rec: ContainerRecord): ContainerStatus {
  if (frozen(rec)) return 'paused';
  if (fs.existsSync(containerPaths(root, rec.id).execFifo)) return 'created';
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
  const annotations = rec.config.annotations && Object.keys(rec.config.annotations).length > 0 ? rec.config.annotations : undefined;
  // runc's field order: annotations (when any), then owner.
  return {
    ociVersion: rec.config.ociVersion,
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
