/**
 * The cgroup v1 manager: one directory per mounted controller (cpu and cpuacct may share a
 * mount or not), as runc's libcontainer/cgroups/fs.
 */
import * as path from 'node:path';
import type { LinuxResources } from '../oci/types';
import { StateError, SysError, UnsupportedError } from '../errors';
import type { CgroupManager } from './types';
import type { CgroupStats } from './stats';
import { exists, mkdir, readFile, readFileIfExists, readProcsRecursive, removeDirs, writeFile, writeProcs } from './files';
import { sleepMs } from '../util/sleep';
import { setV1 } from './v1-resources';
import { statsV1 } from './v1-stats';
import { signalFrozen } from './signal';

/** The controllers runc's fs manager knows, in the order it creates and sets them. */
export const V1_SUBSYSTEMS = [
  'cpuset', 'devices', 'memory', 'cpu', 'cpuacct', 'pids', 'blkio', 'hugetlb',
  'net_cls', 'net_prio', 'perf_event', 'freezer', 'rdma', 'name=systemd',
];

/** Hierarchies without controllers: joined so tools see the process there, but failures do not matter. */
function isNamed(key: string): boolean {
  return key === '' || key.startsWith('name=');
}

export class V1Manager implements CgroupManager {
  readonly version = 1 as const;

  /**
   * @param path the cgroup's path inside the hierarchies ("/berth/abc")
   * @param dirs controller -> absolute directory ("" for the hybrid cgroup2 mount)
   */
  constructor(readonly path: string, private readonly dirs: Record<string, string>) {}

  paths(): Record<string, string> {
    return { ...this.dirs };
  }

  /** Distinct directories (joined controllers share one), controllers first, named hierarchies last. */
  private uniqueDirs(): { dir: string; named: boolean }[] {
    const entries = Object.entries(this.dirs).sort(([a], [b]) => Number(isNamed(a)) - Number(isNamed(b)));
    const seen = new Set<string>();
    const out: { dir: string; named: boolean }[] = [];
    for (const [key, dir] of entries) {
      if (seen.has(dir)) continue;
      seen.add(dir);
      out.push({ dir, named: isNamed(key) });
    }
    return out;
  }

  /** The directory that answers "which processes" and "does it exist" (runc uses devices). */
  private mainDir(): string {
    for (const c of ['devices', 'freezer', 'pids', 'memory', 'cpu']) {
      const d = this.dirs[c];
      if (d) return d;
    }
    const first = Object.values(this.dirs)[0];
    if (!first) throw new UnsupportedError('cgroup v1: no controller is mounted');
    return first;
  }

  procsFiles(): string[] {
    return this.uniqueDirs().map(({ dir }) => path.join(dir, 'cgroup.procs'));
  }

  create(): void {
    for (const [key, dir] of Object.entries(this.dirs)) {
      try {
        if (key === 'cpuset') ensureCpuset(dir);
        else mkdir(dir);
      } catch (e) {
        if (!isNamed(key)) throw e;
      }
    }
  }

  apply(pid: number): void {
    this.create();
    for (const { dir, named } of this.uniqueDirs()) {
      try {
        writeProcs(dir, pid);
      } catch (e) {
        if (!named) throw e;
      }
    }
  }

  set(resources: LinuxResources): void {
    setV1(this.dirs, resources);
  }

  private freezerDir(): string {
    const dir = this.dirs['freezer'];
    if (!dir) throw new UnsupportedError('cgroup freezer: controller is not mounted, cannot pause or resume');
    return dir;
  }

  /**
   * Writes FROZEN until freezer.state reads FROZEN. A task stuck in the kernel can keep the
   * cgroup FREEZING forever, so every 50 tries it thaws briefly and starts over (runc does so).
   */
  freeze(): void {
    const dir = this.freezerDir();
    try {
      for (let i = 0; i < 1000; i++) {
        if (i % 50 === 49) {
          writeFile(dir, 'freezer.state', 'THAWED');
          sleepMs(10);
        }
        writeFile(dir, 'freezer.state', 'FROZEN');
        if (i % 25 === 24) sleepMs(0.01);
        const state = readFile(dir, 'freezer.state').trim();
        if (state === 'FROZEN') return;
        if (state !== 'FREEZING') throw new StateError(`cgroup ${dir}: unexpected freezer state ${state} while freezing`);
      }
      throw new StateError(`cgroup ${dir}: unable to freeze (processes stayed FREEZING)`);
    } catch (e) {
      try { writeFile(dir, 'freezer.state', 'THAWED'); } catch { /* the first error matters */ }
      throw e;
    }
  }

  thaw(): void {
    writeFile(this.freezerDir(), 'freezer.state', 'THAWED');
  }

  isFrozen(): boolean {
    const dir = this.dirs['freezer'];
    if (!dir) return false;
    for (let i = 0; i < 1000; i++) {
      const state = readFileIfExists(dir, 'freezer.state')?.trim();
      if (state === undefined || state === 'THAWED') return false;
      if (state === 'FROZEN') {
        // FROZEN may be inherited from a frozen parent; only our own freeze counts (as runc).
        const self = readFileIfExists(dir, 'freezer.self_freezing');
        return self === undefined || self.trim() === '1';
      }
      if (state !== 'FREEZING') throw new SysError('cgroup', 'EINVAL', `${dir}/freezer.state: unknown state ${JSON.stringify(state)}`);
      sleepMs(1);
    }
    return false;
  }

  oomKills(): number {
    const dir = this.dirs['memory'];
    // memory.oom_control's oom_kill line (Linux 4.13+).
    const m = dir ? /^oom_kill (\d+)$/m.exec(readFileIfExists(dir, 'memory.oom_control') ?? '') : null;
    return m ? Number(m[1]) : 0;
  }

  pids(): number[] {
    return readProcsRecursive(this.mainDir());
  }

  stats(): CgroupStats {
    return statsV1(this.dirs);
  }

  killAll(signal: number): void {
    signalFrozen(this, signal, this.dirs['freezer'] !== undefined && exists(this.dirs['freezer']));
  }

  destroy(): void {
    removeDirs(Object.values(this.dirs));
  }

  exists(): boolean {
    return exists(this.mainDir());
  }
}

/**
 * A new cpuset cgroup starts with empty cpus and mems, and a process cannot join it until
 * both are set: give every level (from the mount down) its parent's values when empty.
 */
function ensureCpuset(dir: string): void {
  const parent = path.dirname(dir);
  const parentIsCgroup = exists(path.join(parent, 'cpuset.cpus'));
  if (parent === dir || (!parentIsCgroup && exists(parent))) return; // dir is the mount point
  ensureCpuset(parent);
  mkdir(dir);
  for (const file of ['cpuset.cpus', 'cpuset.mems']) {
    if (readFile(dir, file).trim() === '') writeFile(dir, file, readFile(parent, file).trim());
  }
}
