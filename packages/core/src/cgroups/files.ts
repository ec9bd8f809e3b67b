/**
 * Reading and writing cgroupfs files. Plain synchronous fs calls are right here: cgroupfs
 * files are tiny, and the init stage (after pivot_root) may only use synchronous calls.
 * Every failure becomes a typed error naming the file, the value and the kernel's reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SysError } from '../errors';
import { sleepMs } from '../util/sleep';
import { makeDirs } from '../util/make-dirs';

/** The uint64 maximum, which cgroup files spell "max" (v2) and runc reports as MaxUint64. */
export const MAX_UINT64 = 2 ** 64;

export function errnoOf(e: unknown): string | undefined {
  if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    return (e as { code: string }).code;
  }
  return undefined;
}

/** Writes `value` to `dir/file`; a refusal reads "cgroup <file>: cannot set <value>: <reason>". */
export function writeFile(dir: string, file: string, value: string): void {
  try {
    fs.writeFileSync(path.join(dir, file), value);
  } catch (e) {
    let code = errnoOf(e);
    if (!code) throw e;
    // cgroupfs answers EACCES for a knob that does not exist (it refuses to create it).
    if (code === 'EACCES' && !exists(path.join(dir, file))) code = 'ENOENT';
    throw new SysError('cgroup', code, `${file}: cannot set ${value.trim()}`);
  }
}

export function readFile(dir: string, file: string): string {
  try {
    return fs.readFileSync(path.join(dir, file), 'utf8');
  } catch (e) {
    const code = errnoOf(e);
    if (!code) throw e;
    throw new SysError('cgroup', code, `${path.join(dir, file)}: cannot read`);
  }
}

/** Like readFile, but undefined when the file does not exist (controller absent or disabled). */
export function readFileIfExists(dir: string, file: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, file), 'utf8');
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT' || code === 'ENODEV') return undefined;
    if (!code) throw e;
    throw new SysError('cgroup', code, `${path.join(dir, file)}: cannot read`);
  }
}

export function exists(p: string): boolean {
  try {
    fs.statSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * A cgroup number: "max" is MAX_UINT64; a negative number (v1's -1 for "no quota") is 0,
 * as runc's parser does.
 */
export function parseUint(text: string, where: string): number {
  const t = text.trim();
  if (t === 'max') return MAX_UINT64;
  if (/^-\d+$/.test(t)) return 0;
  if (!/^\d+$/.test(t)) throw new SysError('cgroup', 'EINVAL', `${where}: cannot parse ${JSON.stringify(t)} as a number`);
  return Number(t);
}

export function readUint(dir: string, file: string): number {
  return parseUint(readFile(dir, file), path.join(dir, file));
}

export function readUintIfExists(dir: string, file: string): number | undefined {
  const t = readFileIfExists(dir, file);
  return t === undefined ? undefined : parseUint(t, path.join(dir, file));
}

/** "key value" lines (memory.stat, cpu.stat, cgroup.events ...) as a map. */
export function parseKeyValues(text: string, where: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 2 || !parts[0]) continue;
    out.set(parts[0], parseUint(parts[1] ?? '', where));
  }
  return out;
}

export function readKeyValues(dir: string, file: string): Map<string, number> | undefined {
  const t = readFileIfExists(dir, file);
  return t === undefined ? undefined : parseKeyValues(t, path.join(dir, file));
}

export function mkdir(dir: string): void {
  try {
    makeDirs(dir, 0o755);
  } catch (e) {
    const code = errnoOf(e);
    if (!code) throw e;
    throw new SysError('mkdir', code, dir);
  }
}

/** The pids in one cgroup's cgroup.procs (empty when the cgroup is gone). */
export function readProcs(dir: string): number[] {
  const t = readFileIfExists(dir, 'cgroup.procs');
  if (t === undefined) return [];
  return t.split('\n').filter((l) => l !== '').map(Number);
}

/** Every pid in `dir` and the cgroups below it. */
export function readProcsRecursive(dir: string): number[] {
  const out = readProcs(dir);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) if (e.isDirectory()) out.push(...readProcsRecursive(path.join(dir, e.name)));
  return out;
}

/**
 * Moves `pid` into the cgroup at `dir`. EINVAL can come from a process that is still
 * being set up by the kernel (or a cpuset with no cpus yet), so retry briefly as runc does.
 */
export function writeProcs(dir: string, pid: number): void {
  for (let i = 0; ; i++) {
    try {
      fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
      return;
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'EINVAL' && i < 4) {
        sleepMs(30);
        continue;
      }
      if (!code) throw e;
      throw new SysError('cgroup', code, `${path.join(dir, 'cgroup.procs')}: cannot add pid ${pid}`);
    }
  }
}

/** rmdir of a cgroup and, children first, of every cgroup below it; absent is fine. */
function removeTree(dir: string): void {
  try {
    fs.rmdirSync(dir);
    return;
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT') return;
    if (code !== 'EBUSY' && code !== 'ENOTEMPTY') throw e;
  }
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return;
    throw e;
  }
  // A cgroup directory only holds interface files (not removable) and child cgroups.
  for (const ent of entries) if (ent.isDirectory()) removeTree(path.join(dir, ent.name));
  try {
    fs.rmdirSync(dir);
  } catch (e) {
    if (errnoOf(e) !== 'ENOENT') throw e;
  }
}

/**
 * Removes every directory, retrying with a doubling delay (10ms..160ms) while the last
 * processes leave: rmdir of a cgroup that still has tasks fails with EBUSY.
 */
export function removeDirs(dirs: string[]): void {
  let pending = [...new Set(dirs)];
  let delay = 10;
  let last: unknown;
  for (let attempt = 0; attempt < 5 && pending.length > 0; attempt++) {
    if (attempt > 0) {
      sleepMs(delay);
      delay *= 2;
    }
    // A removeTree that returned has removed its tree (or found it gone): only failures are retried.
    pending = pending.filter((d) => {
      try {
        removeTree(d);
        return false;
      } catch (e) {
        last = e;
        return true;
      }
    });
  }
  if (pending.length > 0) {
    const code = errnoOf(last) ?? 'EBUSY';
    throw new SysError('rmdir', code, `cgroup ${pending.join(', ')}`);
  }
}
