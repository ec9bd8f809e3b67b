/** The overlayfs snapshotter: snapshots/<id>/{fs,work}; a chain mounts as one overlay. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UnsupportedError } from '../errors';
import { DirSnapshotter } from './dir-snapshotter';
import { makeRootDirs } from '../util/root-dirs';
import { JsonSnapshotRecords, type SnapshotRecord, type SnapshotRecords } from './records';
import { snapshotRecordsFile as recordsFile, snapshotRecordsLock as recordsLock, snapshotterRoot } from '../layout';
import type { SnapshotKind, SnapshotMount } from './types';

export function overlayAvailable(): boolean {
  try {
    return fs.readFileSync('/proc/filesystems', 'utf8').split('\n').some((l) => l.split('\t')[1]?.trim() === 'overlay');
  } catch {
    return false;
  }
}

export class OverlaySnapshotter extends DirSnapshotter {
  readonly name = 'overlayfs';
  // index=off as containerd: the index feature would tie upperdirs to one lower stack.
  private readonly indexOff = fs.existsSync('/sys/module/overlay/parameters/index');

  constructor(root: string, records?: SnapshotRecords) {
    if (!overlayAvailable()) {
      throw new UnsupportedError('snapshotter overlayfs: the kernel has no overlay filesystem (not in /proc/filesystems); use --snapshotter native');
    }
    const sroot = snapshotterRoot(root, 'overlayfs');
    makeRootDirs(root, sroot, 0o700);
    super(sroot, records ?? new JsonSnapshotRecords(recordsFile(sroot), recordsLock(sroot)));
  }

  protected contentDir(dir: string): string {
    return path.join(dir, 'fs');
  }

  protected async populate(dir: string, kind: SnapshotKind): Promise<void> {
    fs.mkdirSync(path.join(dir, 'fs'), { mode: 0o755 });
    if (kind === 'active') fs.mkdirSync(path.join(dir, 'work'), { mode: 0o700 });
  }

  protected mountsFor(rec: SnapshotRecord, chain: string[]): SnapshotMount[] {
    const [own, ...parents] = chain as [string, ...string[]];
    const fsOf = (d: string): string => path.join(d, 'fs');
    if (rec.kind === 'active') {
      if (parents.length === 0) return [{ type: 'bind', source: fsOf(own), options: ['rw', 'rbind'] }];
      return [{
        type: 'overlay', source: 'overlay',
        options: [
          ...(this.indexOff ? ['index=off'] : []),
          `workdir=${path.join(own, 'work')}`, `upperdir=${fsOf(own)}`, `lowerdir=${parents.map(fsOf).join(':')}`,
        ],
      }];
    }
    // A view: read-only; its own (empty) directory is not part of the mount.
    if (parents.length === 0) return [{ type: 'bind', source: fsOf(own), options: ['ro', 'rbind'] }];
    if (parents.length === 1) return [{ type: 'bind', source: fsOf(parents[0] as string), options: ['ro', 'rbind'] }];
    return [{ type: 'overlay', source: 'overlay', options: [...(this.indexOff ? ['index=off'] : []), `lowerdir=${parents.map(fsOf).join(':')}`] }];
  }
}
