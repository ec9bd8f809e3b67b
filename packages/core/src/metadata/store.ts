/**
 * The transactional metadata store (containerd's meta.db), one SQLite database per `--root`.
 *
 * Why SQLite rather than JSON files per object: many berth CLI processes run at once with no
 * daemon to serialise them, and one logical change spans several objects (an image and the
 * content it names; a lease and its resources; a GC pass over everything). SQLite gives
 *  - transactions across objects: all of a change or none of it, with reads-then-writes guarded
 *    by taking the write lock up front (BEGIN IMMEDIATE), so no lost updates;
 *  - concurrent processes: WAL lets readers proceed during a write and see one consistent
 *    snapshot; writers queue on busy_timeout instead of failing with SQLITE_BUSY;
 *  - crash safety: a process killed mid-transaction leaves an uncommitted WAL tail that the next
 *    opener discards, so no half-written record is ever visible.
 * Doing the same with files would mean our own lock files, journals and recovery.
 */
import * as fs from 'node:fs';
import { BerthError, NotFoundError } from '../errors';
import { Containers } from './containers';
import { Content } from './content';
import { now, type StoreContext } from './context';
import { GarbageCollector } from './gc';
import { Images } from './images';
import { Leases } from './leases';
import { Namespaces } from './namespaces';
import { metadataPaths } from '../layout';
import { migrate } from './schema';
import { openDatabase, sqliteCode, type Database, type Statement } from './sqlite';
import { Snapshots } from './snapshots';
import { validateIdentifier } from './validate';
import { makeRootDirs } from '../util/root-dirs';

/** How long a writer waits for another process's transaction before giving up. */
export const BUSY_TIMEOUT_MS = 10_000;

export class MetadataStore implements StoreContext {
  readonly file: string;
  readonly namespaces: Namespaces;
  readonly images: Images;
  readonly containers: Containers;
  readonly content: Content;
  readonly snapshots: Snapshots;
  readonly leases: Leases;
  readonly gc: GarbageCollector;
  private readonly statements = new Map<string, Statement>();

  /** Use openMetadata(). */
  constructor(private readonly db: Database, file: string) {
    this.file = file;
    this.namespaces = new Namespaces(this);
    this.images = new Images(this);
    this.containers = new Containers(this);
    this.content = new Content(this);
    this.snapshots = new Snapshots(this);
    this.leases = new Leases(this);
    this.gc = new GarbageCollector(this);
  }

  stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.guard(() => this.db.prepare(sql));
      this.statements.set(sql, s);
    }
    return s;
  }

  /**
   * Runs fn in an IMMEDIATE transaction: the write lock is taken at BEGIN, so what fn reads
   * cannot change before it writes. Nested calls become savepoints of the outer transaction.
   * Do not await inside fn: the transaction ends when fn returns.
   */
  tx<R>(fn: () => R): R {
    return this.guard(() => this.db.transaction(fn).immediate());
  }

  /** Runs fn in a read transaction: every query in it sees the same committed state. */
  read<R>(fn: () => R): R {
    if (this.db.inTransaction) return fn();
    return this.guard(() => this.db.transaction(fn).deferred());
  }

  ensureNamespace(namespace: string): void {
    validateIdentifier('namespace', namespace);
    const t = now();
    this.stmt("INSERT OR IGNORE INTO namespaces (name, labels, created_at, updated_at) VALUES (?, '{}', ?, ?)").run(namespace, t, t);
  }

  requireNamespace(namespace: string): void {
    if (!this.namespaces.exists(namespace)) throw new NotFoundError(`namespace "${namespace}": not found`);
  }

  /**
   * Done with the store. The connection itself stays open for this process's next openMetadata of
   * the same database and is closed at exit (see openMetadata).
   */
  close(): void {
    // Nothing to release: transactions end with the function they run.
  }

  /** Another user of the connection: the schema is checked again, as a fresh open would. */
  reuse(): this {
    this.guard(() => migrate(this.db, this.file));
    return this;
  }

  get connected(): boolean {
    return this.db.open;
  }

  /** Closes the connection itself: at exit, or when the database file was replaced. */
  disconnect(): void {
    if (this.db.open) this.db.close();
  }

  /** Turns SQLite's errors into typed one-line errors; lets ours through. */
  private guard<R>(fn: () => R): R {
    try {
      return fn();
    } catch (err) {
      throw toBerthError(this.file, err);
    }
  }
}

function toBerthError(file: string, err: unknown): unknown {
  const code = sqliteCode(err);
  if (code === undefined || !(err instanceof Error)) return err;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new BerthError('EBUSY', `metadata database ${file}: still locked by another process after ${BUSY_TIMEOUT_MS / 1000}s`, { cause: err });
  }
  return new BerthError('EMETA', `metadata database ${file}: ${err.message} (${code})`, { cause: err });
}

/**
 * The open databases of this process, by file. One connection per process and database: the
 * close of a database's last connection checkpoints its WAL (two fsyncs) and deletes the WAL and
 * shm files, which the next open creates again, and `ctr run --rm` opened the store five times
 * (its services each open and close it). An idle connection holds no lock in WAL mode.
 */
const connections = new Map<string, { store: MetadataStore; identity: string }>();
let exitHooked = false;

/**
 * Which file a path names now: device, inode and birth time (a removed root's inode can be reused
 * at once by a new database).
 */
function identity(file: string): string | undefined {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st && `${st.dev}:${st.ino}:${st.birthtimeMs}`;
}

/** Closes the connections whose database is gone or replaced (a process that made many roots). */
function dropStale(): void {
  for (const [file, c] of connections) {
    if (c.store.connected && identity(file) === c.identity) continue;
    c.store.disconnect();
    connections.delete(file);
  }
}

/**
 * Opens (creating if needed) the metadata database under a `--root` and brings its schema up
 * to date; a database this process has open already is shared (its close() leaves the connection
 * open for the next user; it is closed at exit).
 */
export function openMetadata(rootDir: string): MetadataStore {
  const { dir, db: file } = metadataPaths(rootDir);
  const known = connections.get(file);
  if (known?.store.connected && identity(file) === known.identity) return known.store.reuse();
  dropStale(); // this one too, when its root was removed or replaced meanwhile
  makeRootDirs(rootDir, dir, 0o700);
  let db: Database | undefined;
  try {
    db = openDatabase(file, { timeout: BUSY_TIMEOUT_MS });
    const d = db;
    // busy_timeout is set by the constructor before these, so a concurrent first open waits.
    d.pragma('journal_mode = WAL');
    // NORMAL: in WAL mode a commit is atomic and survives a killed process (what berth's many
    // short-lived CLIs need); only a power loss may roll back the last commits, never tear one —
    // their blobs and snapshots are then unreferenced and garbage-collected. FULL (bbolt's
    // fsync per commit) cost 10-25 ms per transaction here under load, six per `ctr run --rm`.
    d.pragma('synchronous = NORMAL');
    d.pragma('foreign_keys = ON');
    migrate(d, file);
    const store = new MetadataStore(d, file);
    // Once per process: the map empties whenever its databases go, and fills again.
    if (!exitHooked) {
      exitHooked = true;
      process.once('exit', disconnectAll);
    }
    connections.set(file, { store, identity: identity(file) ?? '' });
    return store;
  } catch (err) {
    db?.close();
    throw toBerthError(file, err);
  }
}

/** `fn` over the store under `rootDir`, opened for it and closed after, whatever it throws. */
export function withMetadata<T>(rootDir: string, fn: (store: MetadataStore) => T): T {
  const store = openMetadata(rootDir);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

/** Closes every database this process opened (at exit; a served run's shim once its task runs). */
export function disconnectAll(): void {
  for (const { store } of connections.values()) {
    try { store.disconnect(); } catch { /* exiting: the next opener recovers the WAL */ }
  }
  connections.clear();
  // Hooked again by the next open: a process that lives on keeps no reference to this module.
  process.off('exit', disconnectAll);
  exitHooked = false;
}
