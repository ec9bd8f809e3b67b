/**
 * The native snapshotter: every snapshot is a full copy of its parent (snapshots/<id>),
 * mounted by bind. For kernels or filesystems without overlayfs.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { BerthError } from '../errors';
import { DirSnapshotter } from './dir-snapshotter';
import { makeRootDirs } from '../util/root-dirs';
import { JsonSnapshotRecords, type SnapshotRecord, type SnapshotRecords } from './records';
import { snapshotRecordsFile as recordsFile, snapshotRecordsLock as recordsLock, snapshotterRoot } from '../layout';
import type { SnapshotKind, SnapshotMount } from './types';

export class NativeSnapshotter extends DirSnapshotter {
  readonly name = 'native';

  constructor(root: string, records?: SnapshotRecords) {
    const sroot = snapshotterRoot(root, 'native');
    makeRootDirs(root, sroot, 0o700);
    super(sroot, records ?? new JsonSnapshotRecords(recordsFile(sroot), recordsLock(sroot)));
  }

  protected contentDir(dir: string): string {
    return dir;
  }

  protected async populate(dir: string, _kind: SnapshotKind, parentDir: string | undefined): Promise<void> {
    fs.chmodSync(dir, 0o755);
    if (!parentDir) return;
    // cp -a keeps owners, modes, xattrs, hard links, devices and times, as containerd's CopyDir.
    await new Promise<void>((resolve, reject) => {
      const cp = spawn('cp', ['-a', '--reflink=auto', `${parentDir}/.`, `${dir}/`], { stdio: ['ignore', 'ignore', 'pipe'] });
      const err: Buffer[] = [];
      cp.stderr.on('data', (b: Buffer) => err.push(b));
      cp.on('error', reject);
      cp.on('close', (code) => (code === 0 ? resolve()
        : reject(new BerthError('ECOPY', `native snapshot: copying ${parentDir} failed: ${Buffer.concat(err).toString().trim().split('\n')[0] ?? `exit ${code}`}`))));
    });
  }

  protected mountsFor(rec: SnapshotRecord, chain: string[]): SnapshotMount[] {
    return [{ type: 'bind', source: chain[0] as string, options: [rec.kind === 'active' ? 'rw' : 'ro', 'rbind'] }];
  }
}
