/**
 * Snapshot records (key → id, parent, kind). Behind `SnapshotRecords` so the SQLite
 * metadata store can replace the JSON file: transactions are synchronous functions, which
 * maps onto better-sqlite3's transactions as well as onto lock + read + atomic rewrite.
 */
import * as fs from 'node:fs';
import { BerthError } from '../errors';
import { writeFileAtomic } from '../util/atomic';
import { withFileLock } from '../util/file-lock';
import type { SnapshotKind } from './types';

export interface SnapshotRecord {
  id: number;
  key: string;
  kind: SnapshotKind;
  parent?: string;
  labels: Record<string, string>;
  created: string;
  updated: string;
  /** Usage of a committed snapshot, computed once at commit (its content no longer changes). */
  size?: number;
  inodes?: number;
}

export interface RecordsView {
  get(key: string): SnapshotRecord | undefined;
  list(): SnapshotRecord[];
}

export interface RecordsTx extends RecordsView {
  /** A fresh numeric id, never handed out before. */
  nextId(): number;
  put(rec: SnapshotRecord): void;
  delete(key: string): void;
}

export interface SnapshotRecords {
  /** Runs `fn` alone; its changes become visible all together when it returns, none if it throws. */
  update<T>(fn: (tx: RecordsTx) => T): T;
  read<T>(fn: (v: RecordsView) => T): T;
}

interface FileShape { version: 1; lastId: number; snapshots: Record<string, SnapshotRecord> }

/** All records of one snapshotter in one JSON file, rewritten atomically under an flock. */
export class JsonSnapshotRecords implements SnapshotRecords {
  constructor(private readonly file: string, private readonly lock: string) {}

  private load(): FileShape {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, lastId: 0, snapshots: {} };
      throw err;
    }
    try {
      return JSON.parse(text) as FileShape;
    } catch (err) {
      throw new BerthError('ECORRUPT', `snapshot records ${this.file}: not valid JSON (${(err as Error).message})`);
    }
  }

  private view(data: FileShape): RecordsView {
    return {
      get: (key) => data.snapshots[key],
      list: () => Object.values(data.snapshots),
    };
  }

  read<T>(fn: (v: RecordsView) => T): T {
    // Readers need no lock: the file is replaced by rename, never rewritten in place.
    return fn(this.view(this.load()));
  }

  update<T>(fn: (tx: RecordsTx) => T): T {
    return withFileLock(this.lock, true, () => {
      const data = this.load();
      const tx: RecordsTx = {
        ...this.view(data),
        nextId: () => ++data.lastId,
        put: (rec) => { data.snapshots[rec.key] = rec; },
        delete: (key) => { delete data.snapshots[key]; },
      };
      const out = fn(tx);
      writeFileAtomic(this.file, `${JSON.stringify(data, null, 1)}\n`, { mode: 0o600 });
      return out;
    });
  }
}
