/**
 * What the overlayfs and native snapshotters share: records, numeric snapshot directories
 * and the crash-safe order of steps — a new snapshot's directory is filled under a
 * temporary name and renamed to its id inside the record transaction; a removed one is
 * renamed away inside it and deleted after. A process killed in between leaves only a
 * directory no record names, which `cleanup` sweeps.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError, StateError } from '../errors';
import { makeRootDirs } from '../util/root-dirs';
import { rfc3339Nano } from '../util/time';
import { snapshotDir, snapshotsDir } from '../layout';
import type { SnapshotRecord, SnapshotRecords } from './records';
import type { SnapshotInfo, SnapshotKind, SnapshotMount, SnapshotUsage, Snapshotter } from './types';
import { diskUsage } from './usage';

export abstract class DirSnapshotter implements Snapshotter {
  abstract readonly name: string;

  constructor(protected readonly sroot: string, protected readonly records: SnapshotRecords) {
    // sroot is the snapshotter's folder of the store root (layout.ts snapshotterRoot).
    makeRootDirs(path.dirname(sroot), snapshotsDir(sroot), 0o700);
  }

  /** The directory holding a snapshot's files (an upperdir for overlay, a full tree for native). */
  protected abstract contentDir(dir: string): string;
  /** Fills a new snapshot's (temporary) directory; `parentDir` is the parent's snapshot directory. */
  protected abstract populate(dir: string, kind: SnapshotKind, parentDir: string | undefined): Promise<void>;
  /** Mount descriptions; `chain` is the snapshot then its ancestors, nearest first. */
  protected abstract mountsFor(rec: SnapshotRecord, chain: string[]): SnapshotMount[];

  prepare(key: string, parent?: string, labels: Record<string, string> = {}): Promise<SnapshotMount[]> {
    return this.create('active', key, parent, labels);
  }

  view(key: string, parent?: string, labels: Record<string, string> = {}): Promise<SnapshotMount[]> {
    return this.create('view', key, parent, labels);
  }

  private async create(kind: 'active' | 'view', key: string, parent: string | undefined, labels: Record<string, string>): Promise<SnapshotMount[]> {
    if (!key) throw new InvalidArgumentError('snapshot key must not be empty');
    // Early checks keep a native copy from starting in vain; the transaction checks again.
    const parentRec = this.records.read((v) => {
      if (v.get(key)) throw new AlreadyExistsError(`snapshot ${key}: already exists`);
      return parent === undefined ? undefined : this.committedParent(v.get(parent), parent, key);
    });
    const tmp = fs.mkdtempSync(path.join(snapshotsDir(this.sroot), 'new-'));
    let rec: SnapshotRecord;
    try {
      await this.populate(tmp, kind, parentRec ? snapshotDir(this.sroot, parentRec.id) : undefined);
      rec = this.records.update((tx) => {
        if (tx.get(key)) throw new AlreadyExistsError(`snapshot ${key}: already exists`);
        if (parent !== undefined) this.committedParent(tx.get(parent), parent, key);
        const id = tx.nextId();
        fs.renameSync(tmp, snapshotDir(this.sroot, id));
        const now = rfc3339Nano();
        const r: SnapshotRecord = { id, key, kind, labels, created: now, updated: now, ...(parent !== undefined ? { parent } : {}) };
        tx.put(r);
        return r;
      });
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
    return this.mountsFor(rec, this.chain(rec));
  }

  private committedParent(p: SnapshotRecord | undefined, parent: string, key: string): SnapshotRecord {
    if (!p) throw new NotFoundError(`snapshot ${key}: parent ${parent} not found`);
    if (p.kind !== 'committed') throw new InvalidArgumentError(`snapshot ${key}: parent ${parent} is not committed (it is ${p.kind})`);
    return p;
  }

  async commit(name: string, key: string, labels?: Record<string, string>): Promise<void> {
    if (!name) throw new InvalidArgumentError('snapshot name must not be empty');
    const active = this.get(key);
    if (active.kind !== 'active') throw new InvalidArgumentError(`snapshot ${key}: only an active snapshot can be committed (it is ${active.kind})`);
    const u = diskUsage(this.contentDir(snapshotDir(this.sroot, active.id)));
    this.records.update((tx) => {
      const r = tx.get(key);
      if (!r || r.kind !== 'active') throw new NotFoundError(`snapshot ${key}: active snapshot not found`);
      if (tx.get(name)) throw new AlreadyExistsError(`snapshot ${name}: already exists`);
      tx.delete(key);
      tx.put({ ...r, key: name, kind: 'committed', labels: labels ?? r.labels, updated: rfc3339Nano(), size: u.size, inodes: u.inodes });
    });
  }

  async remove(key: string): Promise<void> {
    const gone = this.records.update((tx) => {
      const r = tx.get(key);
      if (!r) throw new NotFoundError(`snapshot ${key}: not found`);
      const children = tx.list().filter((c) => c.parent === key).map((c) => c.key);
      if (children.length > 0) throw new StateError(`snapshot ${key}: cannot remove, it is the parent of ${children.join(', ')}`);
      const trash = path.join(snapshotsDir(this.sroot), `rm-${r.id}`);
      try {
        fs.renameSync(snapshotDir(this.sroot, r.id), trash);
      } catch (err) {
        // Its directory removed by hand already: the record is all that is left to remove.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      tx.delete(key);
      return trash;
    });
    fs.rmSync(gone, { recursive: true, force: true });
  }

  mounts(key: string): SnapshotMount[] {
    const r = this.get(key);
    if (r.kind === 'committed') throw new StateError(`snapshot ${key}: committed snapshots have no mounts (prepare or view one on top of it)`);
    return this.mountsFor(r, this.chain(r));
  }

  stat(key: string): SnapshotInfo {
    return info(this.get(key));
  }

  usage(key: string): SnapshotUsage {
    const r = this.get(key);
    if (r.kind === 'committed' && r.size !== undefined && r.inodes !== undefined) return { size: r.size, inodes: r.inodes };
    return diskUsage(this.contentDir(snapshotDir(this.sroot, r.id)));
  }

  walk(): SnapshotInfo[] {
    return this.records.read((v) => v.list()).map(info).sort((a, b) => a.name.localeCompare(b.name));
  }

  applyDir(key: string): string {
    const r = this.get(key);
    if (r.kind !== 'active') throw new InvalidArgumentError(`snapshot ${key}: layers are applied to active snapshots only (it is ${r.kind})`);
    return this.contentDir(snapshotDir(this.sroot, r.id));
  }

  cleanup(): void {
    const dir = snapshotsDir(this.sroot);
    this.records.update((tx) => {
      const ids = new Set(tx.list().map((r) => String(r.id)));
      for (const d of fs.readdirSync(dir)) {
        // new-* directories of a running prepare are too young to sweep
        if (d.startsWith('new-') && Date.now() - fs.lstatSync(path.join(dir, d)).mtimeMs < 3600_000) continue;
        if (!ids.has(d)) fs.rmSync(path.join(dir, d), { recursive: true, force: true });
      }
    });
  }

  protected get(key: string): SnapshotRecord {
    const r = this.records.read((v) => v.get(key));
    if (!r) throw new NotFoundError(`snapshot ${key}: not found`);
    return r;
  }

  /** Snapshot directories from `rec` up through its ancestors. */
  private chain(rec: SnapshotRecord): string[] {
    return this.records.read((v) => {
      const out: string[] = [];
      let cur: SnapshotRecord | undefined = rec;
      while (cur) {
        out.push(snapshotDir(this.sroot, cur.id));
        cur = cur.parent === undefined ? undefined : v.get(cur.parent);
      }
      return out;
    });
  }
}

function info(r: SnapshotRecord): SnapshotInfo {
  return { name: r.key, kind: r.kind, labels: r.labels, created: r.created, updated: r.updated, ...(r.parent !== undefined ? { parent: r.parent } : {}) };
}
