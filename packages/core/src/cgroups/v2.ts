/**
 * The cgroup v2 manager: one directory in the unified hierarchy, as runc's
 * libcontainer/cgroups/fs2. The mount point is a parameter so that the manager also works
 * on a hybrid host's /sys/fs/cgroup/unified (which the tests use).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LinuxResources } from '../oci/types';
import { StateError, UnsupportedError } from '../errors';
import type { CgroupManager } from './types';
import type { CgroupStats } from './stats';
import { errnoOf, exists, mkdir, parseKeyValues, readFile, readFileIfExists, readProcsRecursive, removeDirs, writeFile, writeProcs } from './files';
import { sleepMs } from '../util/sleep';
import { setV2 } from './v2-resources';
import { statsV2 } from './v2-stats';
import { signalFrozen } from './signal';

export const UNIFIED_MOUNT = '/sys/fs/cgroup';

export class V2Manager implements CgroupManager {
  readonly version = 2 as const;
  readonly dir: string;

  /**
   * @param mount where the cgroup2 hierarchy is mounted ("/sys/fs/cgroup")
   * @param path the cgroup's path inside it ("/berth/abc")
   */
  constructor(readonly mount: string, readonly path: string) {
    this.dir = path === '/' ? mount : `${mount}${path.startsWith('/') ? '' : '/'}${path}`;
  }

  paths(): Record<string, string> {
    return { '': this.dir };
  }

  procsFiles(): string[] {
    return [path.join(this.dir, 'cgroup.procs')];
  }

  /**
   * Makes the directories from the mount down, and in every ancestor's
   * cgroup.subtree_control enables all controllers the root offers (so that `set` and a
   * later `update` find their files), as runc does. Directories made by a failed call are
   * removed again.
   */
  create(): void {
    const available = (readFile(this.mount, 'cgroup.controllers').trim().split(/\s+/)).filter(Boolean);
    const levels = [this.mount];
    for (const part of this.path.split('/').filter(Boolean)) levels.push(path.join(levels[levels.length - 1] ?? this.mount, part));
    const made: string[] = [];
    try {
      levels.forEach((dir, i) => {
        if (i > 0 && !exists(dir)) {
          mkdir(dir);
          made.push(dir);
        }
        if (i < levels.length - 1) enableControllers(dir, available);
      });
    } catch (e) {
      for (const dir of made.reverse()) {
        try { fs.rmdirSync(dir); } catch { /* best effort */ }
      }
      throw e;
    }
  }

  apply(pid: number): void {
    this.create();
    writeProcs(this.dir, pid);
  }

  set(resources: LinuxResources): void {
    setV2(this.dir, resources);
  }

  freeze(): void {
    if (!exists(path.join(this.dir, 'cgroup.freeze'))) {
      throw new UnsupportedError(`cgroup ${this.dir}: no cgroup.freeze (the kernel's cgroup v2 freezer needs Linux 5.2)`);
    }
    writeFile(this.dir, 'cgroup.freeze', '1');
    if (this.waitFrozen()) return;
    try { writeFile(this.dir, 'cgroup.freeze', '0'); } catch { /* report the timeout */ }
    throw new StateError(`cgroup ${this.dir}: timed out after 10s waiting for the cgroup to freeze`);
  }

  thaw(): void {
    if (!exists(path.join(this.dir, 'cgroup.freeze'))) return; // nothing can be frozen then
    writeFile(this.dir, 'cgroup.freeze', '0');
  }

  /** cgroup.freeze says what was asked; cgroup.events "frozen 1" says it is done. */
  private waitFrozen(): boolean {
    for (let i = 0; i < 1000; i++) {
      const events = readFileIfExists(this.dir, 'cgroup.events');
      if (events === undefined) return false;
      if (parseKeyValues(events, 'cgroup.events').get('frozen') === 1) return true;
      sleepMs(10);
    }
    return false;
  }

  isFrozen(): boolean {
    const want = readFileIfExists(this.dir, 'cgroup.freeze');
    if (want === undefined || want.trim() !== '1') return false;
    return this.waitFrozen();
  }

  oomKills(): number {
    const m = /^oom_kill (\d+)$/m.exec(readFileIfExists(this.dir, 'memory.events') ?? '');
    return m ? Number(m[1]) : 0;
  }

  pids(): number[] {
    return readProcsRecursive(this.dir);
  }

  stats(): CgroupStats {
    return statsV2(this.dir);
  }

  killAll(signal: number): void {
    // cgroup.kill (Linux 5.14) kills the whole subtree atomically, forks included.
    if (signal === 9 && exists(path.join(this.dir, 'cgroup.kill'))) {
      writeFile(this.dir, 'cgroup.kill', '1');
      return;
    }
    signalFrozen(this, signal);
  }

  destroy(): void {
    removeDirs([this.dir]);
  }

  exists(): boolean {
    return exists(this.dir);
  }
}

/** Adds the missing controllers to dir's cgroup.subtree_control, all at once or else one by one. */
function enableControllers(dir: string, available: string[]): void {
  if (available.length === 0) return;
  const enabled = new Set((readFileIfExists(dir, 'cgroup.subtree_control') ?? '').trim().split(/\s+/));
  const missing = available.filter((c) => !enabled.has(c));
  if (missing.length === 0) return;
  try {
    fs.writeFileSync(path.join(dir, 'cgroup.subtree_control'), missing.map((c) => `+${c}`).join(' '));
  } catch (e) {
    if (!errnoOf(e)) throw e;
    // Some may be refused (e.g. a threaded subtree): enable what can be, like runc.
    for (const c of missing) {
      try { fs.writeFileSync(path.join(dir, 'cgroup.subtree_control'), `+${c}`); } catch { /* skipped */ }
    }
  }
}

