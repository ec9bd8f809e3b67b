/** Disk usage of a directory tree like containerd's fs.DiskUsage: allocated blocks, inodes counted once. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SnapshotUsage } from './types';

export function diskUsage(root: string): SnapshotUsage {
  const seen = new Set<bigint>();
  let size = 0;
  const visit = (p: string): void => {
    const st = fs.lstatSync(p, { bigint: true });
    if (!seen.has(st.ino)) {
      seen.add(st.ino);
      size += Number(st.blocks) * 512;
    }
    if (st.isDirectory()) for (const c of fs.readdirSync(p)) visit(path.join(p, c));
  };
  visit(root);
  return { size, inodes: seen.size };
}
