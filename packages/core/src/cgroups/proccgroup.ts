/**
 * Parsing of /proc/<pid>/cgroup: "hierarchy-id:controller-list:path" lines. On v2 there is
 * one line "0::/path"; on v1 one line per hierarchy, and joined controllers share a line.
 */
import * as fs from 'node:fs';

/** Maps each controller (and "name=..." hierarchy; "" for the v2 line) to the process's cgroup path. */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const path = line.slice(second + 1);
    for (const ctrl of line.slice(first + 1, second).split(',')) out.set(ctrl, path);
  }
  return out;
}

export function readProcCgroup(pid: number | 'self' = 'self'): Map<string, string> {
  return parseProcCgroup(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
}
