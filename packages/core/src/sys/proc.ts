/** Reading /proc: process start times (to tell a live container pid from a recycled one) and stat fields. */
import * as fs from 'node:fs';
import { readSmallFile } from './small-file';

export interface ProcStat {
  pid: number;
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
    text = readSmallFile(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  if (text === undefined) return undefined;
  // comm may contain spaces and parentheses: it ends at the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const rest = text.slice(close + 2).split(' ');
  return { pid, comm, state: rest[0], ppid: Number(rest[1]), startTime: Number(rest[19]) };
}

/** True when `pid` is alive (not a zombie) and is the process that started at `startTime`. */
export function isSameProcess(pid: number, startTime: number): boolean {
  const st = procStat(pid);
  return st !== undefined && st.startTime === startTime && st.state !== 'Z' && st.state !== 'X';
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
