/** The calling process's children, from /proc. */
import * as fs from 'node:fs';

/** Every thread's children: an orphan reparented to a child subreaper goes to any of its threads. */
export function childrenOfSelf(): number[] {
  const pids: number[] = [];
  let tasks: string[];
  try { tasks = fs.readdirSync('/proc/self/task'); } catch { return pids; }
  for (const t of tasks) {
    try {
      for (const p of fs.readFileSync(`/proc/self/task/${t}/children`, 'utf8').split(' ')) if (p.trim()) pids.push(Number(p));
    } catch { /* the thread ended */ }
  }
  return pids;
}
