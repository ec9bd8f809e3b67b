/** Reading /proc: process start times (to tell a live container pid from a recycled one) and stat fields. */
import * as fs from 'node:fs';
import { readSmallFile } from './small-file';

export interface ProcStat {
  pid: number;
  /** Decoded as UTF-8 (lossy for other bytes): for messages only. */
  comm: string;
  state: string;
  ppid: number;
  /** Start time after boot, in clock ticks (field 22): with the pid, it identifies a process. */
  startTime: number;
}

/** Parses /proc/<pid>/stat, or returns undefined if the process does not exist. */
export function procStat(pid: number): ProcStat | undefined {
  // `t ls` and status checks do this for every container: one open, one read (small-file.ts).
  let text: string | undefined;
  try {
    // UTF-8: readFileSync's one native call (~2x faster than the latin1 path's three). Only comm
    // can hold other bytes, and the fields read here come after it.
    text = readSmallFile(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  if (text === undefined) return undefined;
  // comm may contain spaces and parentheses: it ends at the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  // Fields from the state (field 3) on, found by their spaces rather than split: listings parse
  // one per container, and split's ~50 strings each were a young-generation GC in a `list` of 100.
  const stateAt = close + 2;
  const stateEnd = text.indexOf(' ', stateAt);
  const ppidEnd = text.indexOf(' ', stateEnd + 1);
  let end = ppidEnd;
  for (let field = 5; field <= 21 && end >= 0; field++) end = text.indexOf(' ', end + 1); // after field 21
  const startEnd = end < 0 ? -1 : text.indexOf(' ', end + 1);
  if (stateEnd < 0 || startEnd < 0) return undefined; // not a stat line
  return {
    pid, comm, state: text[stateAt], ppid: Number(text.slice(stateEnd + 1, ppidEnd)), startTime: Number(text.slice(end + 1, startEnd)),
  };
}

/** True when `pid` is alive (not a zombie) and is the process that started at `startTime`. */
export function isSameProcess(pid: number, startTime: number): boolean {
  const st = procStat(pid);
  return st !== undefined && isLive(st, startTime);
}

/** True when the process read as `st` is the one that started at `startTime` and has not exited. */
export function isLive(st: ProcStat, startTime: number): boolean {
  return st.startTime === startTime && st.state !== 'Z' && st.state !== 'X';
}

/** Real uid of a running process, or undefined. */
export function procUid(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
    const m = /^Uid:\s+(\d+)/m.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
