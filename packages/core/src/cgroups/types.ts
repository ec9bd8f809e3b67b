/** The interface both cgroup managers implement. */
import type { LinuxResources } from '../oci/types';
import type { CgroupStats } from './stats';

export type CgroupVersion = 1 | 2;

export interface CgroupManager {
  readonly version: CgroupVersion;
  /** The cgroup's path inside the hierarchies, e.g. "/berth-test/abc" (what state.json keeps). */
  readonly path: string;
  /** v1: controller ("cpu", "name=systemd"; "" for the hybrid cgroup2 mount) -> absolute dir; v2: {"": dir}. */
  paths(): Record<string, string>;
  /**
   * The cgroup.procs files a process writes its pid to, to join. On v1 the last ones are the
   * named hierarchies (name=systemd, the hybrid cgroup2 mount): a failure to join those may be
   * ignored, as runc does.
   */
  procsFiles(): string[];
  /** Makes every directory (idempotent); on v2 enables the controllers in the ancestors' cgroup.subtree_control. */
  create(): void;
  /** Creates the cgroup if needed and moves `pid` in. */
  apply(pid: number): void;
  /** Applies OCI resources; fields left out (or 0, as runc reads them) are not touched. */
  set(resources: LinuxResources): void;
  /** Freezes every process and waits until the kernel reports the cgroup frozen. */
  freeze(): void;
  thaw(): void;
  isFrozen(): boolean;
  /** Every pid in this cgroup and its descendants. */
  pids(): number[];
  /** How many processes the OOM killer has killed in the cgroup (0 without a memory controller). */
  oomKills(): number;
  /** The data of runc's `events --stats` (see stats.ts for the JSON form). */
  stats(): CgroupStats;
  /** Sends `signal` to every process in the cgroup (ESRCH from exiting processes is ignored). */
  killAll(signal: number): void;
  /** Removes every directory, retrying briefly while processes exit; no error if already gone. */
  destroy(): void;
  exists(): boolean;
}
