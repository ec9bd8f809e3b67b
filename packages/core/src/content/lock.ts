/**
 * Cross-process exclusive lock of one ingest: a `lock` file holding "<pid> <start time>".
 * It is written to a private temp file and hard-linked into place, so it appears atomically
 * with its content (link(2) fails with EEXIST when held). A lock whose process is gone (pid dead
 * or recycled: /proc start time differs) is stale and taken over; the check-and-remove of a stale
 * lock runs under a second lock (`lock.break`) so two processes breaking it at once cannot remove
 * a fresh lock that a third one just took.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { isSameProcess, procStat } from '../sys/proc';

export interface LockOwner {
  pid: number;
  startTime: number;
}

let self: LockOwner | undefined;
function selfOwner(): LockOwner {
  if (!self) {
    const st = procStat(process.pid);
    self = { pid: process.pid, startTime: st?.startTime ?? 0 };
  }
  return self;
}

function ownerText(o: LockOwner): string {
  return `${o.pid} ${o.startTime}\n`;
}

export function readOwner(file: string): LockOwner | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const m = /^(\d+) (\d+)\n$/.exec(text);
  // An unreadable owner cannot be proven alive; it can only come from outside (files appear whole).
  return m ? { pid: Number(m[1]), startTime: Number(m[2]) } : { pid: 0, startTime: 0 };
}

export function ownerAlive(o: LockOwner): boolean {
  return o.pid > 0 && isSameProcess(o.pid, o.startTime);
}

/** link(2)s a file holding our identity to `file`; false when it exists already. */
function tryCreate(file: string): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, ownerText(selfOwner()), { mode: 0o644 });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function sameOwner(a: LockOwner | undefined, b: LockOwner): boolean {
  return a !== undefined && a.pid === b.pid && a.startTime === b.startTime;
}

/** Removes `file` if it still names the dead `owner`. */
function removeIfStill(file: string, owner: LockOwner): void {
  if (sameOwner(readOwner(file), owner) && !ownerAlive(owner)) fs.rmSync(file, { force: true });
}

export type LockResult = { ok: true } | { ok: false; holder?: LockOwner };

/**
 * Takes the lock at `file` (its folder must exist: ENOENT is thrown otherwise). Returns the live
 * holder when another process, or another writer of this process, has it.
 */
export function acquireLock(file: string, breakFile: string): LockResult {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file)) return { ok: true };
    const holder = readOwner(file);
    if (holder === undefined) continue; // released meanwhile
    if (ownerAlive(holder)) return { ok: false, holder };
    // Stale: break it under the break lock, itself broken if its owner died in that short window.
    if (!tryCreate(breakFile)) {
      const breaker = readOwner(breakFile);
      if (breaker && !ownerAlive(breaker)) removeIfStill(breakFile, breaker);
      continue;
    }
    try {
      removeIfStill(file, holder);
    } finally {
      fs.rmSync(breakFile, { force: true });
    }
  }
  return { ok: false, holder: readOwner(file) };
}

/** Releases a lock this process holds (only if the file still names us). */
export function releaseLock(file: string): void {
  if (sameOwner(readOwner(file), selfOwner())) fs.rmSync(file, { force: true });
}
