/**
 * The writer of one ingest: appends to ingest/<key>/data under the ingest's lock, hashing as it
 * goes, and commits by verifying size and sha256 and renaming the data into blobs/sha256/<hex>.
 * Opening an ingest that already holds data resumes it: `offset` is its length and the hash is
 * rebuilt by reading those bytes once (a crash loses no more than the unsynced tail, which the
 * file's length already accounts for).
 */
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, StateError } from '../errors';
import { validateContentDigest } from './digest';
import { ContentDigestMismatchError, ContentSizeMismatchError, IngestLockedError } from './errors';
import { fsyncDir, isErrno, readOptional, removeDirAtomic } from './files';
import { writeFileAtomic } from '../util/atomic';
import { removeLabels, writeLabels } from './labels';
import { acquireLock, releaseLock } from './lock';
import { blobPath, type ContentPaths, type IngestPaths } from '../layout';
import { makeRootDirs } from '../util/root-dirs';
import type { CommitOptions, CommitResult, WriterOptions } from './types';

const READ_CHUNK = 1 << 20;

function validateSize(what: string, size: number | undefined): void {
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) throw new InvalidArgumentError(`${what} ${size}: not a non-negative integer`);
}

export class ContentWriter {
  private fd: number | undefined;
  private hash: Hash;
  private _offset: number;
  private _total: number | undefined;
  private expectedDigest: string | undefined;
  /** Until the ingest folder (and the lock in it) is removed or the lock released. */
  private locked = false;
  readonly startedAt: Date;

  /** Use ContentStore.writer(). Takes the lock (or throws IngestLockedError) and opens the data. */
  constructor(private readonly paths: ContentPaths, private readonly ip: IngestPaths, readonly ref: string,
    private readonly info: (digest: string) => Omit<CommitResult, 'existed'>, opts: WriterOptions) {
    if (opts.expectedDigest !== undefined) validateContentDigest(opts.expectedDigest);
    validateSize('ingest expected size', opts.expectedSize);
    this.expectedDigest = opts.expectedDigest;
    lockIngest(paths, ip, ref);
    this.locked = true;
    try {
      const storedRef = readOptional(ip.ref);
      if (storedRef !== undefined && storedRef !== ref) throw new StateError(`ingest ${ip.dir}: holds ref ${JSON.stringify(storedRef)}, not ${JSON.stringify(ref)}`);
      const now = new Date();
      if (storedRef === undefined) writeFileAtomic(ip.ref, ref);
      const started = readOptional(ip.startedAt);
      if (started === undefined) writeFileAtomic(ip.startedAt, now.toISOString());
      this.startedAt = started !== undefined && !Number.isNaN(Date.parse(started)) ? new Date(started) : now;
      this.fd = fs.openSync(ip.data, 'a+', 0o644);
      this._offset = fs.fstatSync(this.fd).size;
      const total = readOptional(ip.total);
      this._total = total !== undefined && /^\d+$/.test(total.trim()) ? Number(total.trim()) : undefined;
      if (opts.expectedSize !== undefined && opts.expectedSize !== this._total) {
        if (this._total !== undefined && this._offset > 0) {
          throw new InvalidArgumentError(`ingest ${JSON.stringify(ref)}: expected size ${opts.expectedSize} differs from the ${this._total} it was started with`);
        }
        writeFileAtomic(ip.total, String(opts.expectedSize));
        this._total = opts.expectedSize;
      }
      this.hash = this.rehash();
      writeFileAtomic(ip.updatedAt, now.toISOString());
    } catch (e) {
      this.closeFd();
      this.unlock();
      throw e;
    }
  }

  /** Bytes held so far (a resumed download asks the server for the rest from here). */
  get offset(): number { return this._offset; }
  get total(): number | undefined { return this._total; }
  get closed(): boolean { return this.fd === undefined; }

  /** The sha256 digest of the bytes written so far. */
  digest(): string {
    return `sha256:${this.hash.copy().digest('hex')}`;
  }

  /** Appends bytes; more than the expected size discards the ingest (a server sending too much). */
  write(chunk: Uint8Array): void {
    const fd = this.openFd('write');
    if (this._total !== undefined && this._offset + chunk.length > this._total) {
      const actual = this._offset + chunk.length;
      this.discard();
      throw new ContentSizeMismatchError(this.ref, this._total, actual);
    }
    let done = 0;
    while (done < chunk.length) done += fs.writeSync(fd, chunk, done, chunk.length - done);
    this.hash.update(chunk);
    this._offset += chunk.length;
  }

  /** Starts the ingest over (only to 0: e.g. a server that ignored our Range request). */
  truncate(size: number): void {
    const fd = this.openFd('truncate');
    if (size !== 0) throw new InvalidArgumentError(`ingest ${JSON.stringify(this.ref)}: truncate only to 0 is supported, not ${size}`);
    fs.ftruncateSync(fd, 0);
    this.hash = createHash('sha256');
    this._offset = 0;
  }

  /**
   * Verifies size and digest (options here override the writer's) and moves the data into the
   * blob store. A mismatch throws a typed error and discards the ingest; an identical blob
   * already stored is success (the ingest is dropped).
   */
  commit(opts: CommitOptions = {}): CommitResult {
    const fd = this.openFd('commit');
    if (opts.expectedDigest !== undefined) validateContentDigest(opts.expectedDigest);
    validateSize('commit expected size', opts.expectedSize);
    const wantSize = opts.expectedSize ?? this._total;
    const wantDigest = opts.expectedDigest ?? this.expectedDigest;
    const size = this._offset;
    const digest = this.digest();
    if (wantSize !== undefined && size !== wantSize) {
      this.discard();
      throw new ContentSizeMismatchError(this.ref, wantSize, size);
    }
    if (wantDigest !== undefined && digest !== wantDigest) {
      this.discard();
      throw new ContentDigestMismatchError(this.ref, wantDigest, digest);
    }
    fs.fsyncSync(fd);
    this.closeFd();
    const target = blobPath(this.paths, digest);
    let existed = true;
    try {
      fs.statSync(target);
    } catch (e) {
      if (!isErrno(e, 'ENOENT')) throw e;
      existed = false;
    }
    if (!existed) {
      makeRootDirs(path.dirname(this.paths.dir), this.paths.blobs);
      // Labels orphaned by an interrupted delete must not attach to the new blob.
      if (opts.labels === undefined) removeLabels(this.paths, digest);
      // Read-only like containerd's blobs; rename is atomic (a racing identical commit just replaces it).
      fs.chmodSync(this.ip.data, 0o444);
      fs.renameSync(this.ip.data, target);
      fsyncDir(this.paths.blobs);
    }
    if (opts.labels !== undefined) writeLabels(this.paths, digest, opts.labels);
    this.removeIngest();
    return { ...this.info(digest), existed };
  }

  /** Releases the lock and keeps the data, so the ingest can be resumed later. */
  close(): void {
    try {
      if (!this.closed) {
        this.closeFd();
        writeFileAtomic(this.ip.updatedAt, new Date().toISOString());
      }
    } finally {
      this.unlock();
    }
  }

  /** Removes the ingest and its data. */
  abort(): void {
    this.openFd('abort');
    this.discard();
  }

  private discard(): void {
    this.closeFd();
    this.removeIngest();
  }

  /** Removes the folder with the lock in it: the ref is free again. */
  private removeIngest(): void {
    removeDirAtomic(this.ip.dir);
    this.locked = false;
  }

  private unlock(): void {
    if (this.locked) {
      this.locked = false;
      releaseLock(this.ip.lock);
    }
  }

  private rehash(): Hash {
    const h = createHash('sha256');
    const fd = this.openFd('resume');
    const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(this._offset, 1)));
    let pos = 0;
    while (pos < this._offset) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, this._offset - pos), pos);
      if (n === 0) throw new StateError(`ingest ${JSON.stringify(this.ref)}: data shrank while resuming (at ${pos} of ${this._offset} bytes)`);
      h.update(buf.subarray(0, n));
      pos += n;
    }
    return h;
  }

  private openFd(op: string): number {
    if (this.fd === undefined) throw new StateError(`ingest ${JSON.stringify(this.ref)}: cannot ${op}, the writer is closed`);
    return this.fd;
  }

  private closeFd(): void {
    if (this.fd !== undefined) {
      const fd = this.fd;
      this.fd = undefined;
      fs.closeSync(fd);
    }
  }
}

/** Creates the ingest folder if needed and takes its lock; retries when a commit removed the folder meanwhile. */
function lockIngest(paths: ContentPaths, ip: IngestPaths, ref: string): void {
  for (let attempt = 0; ; attempt++) {
    makeRootDirs(path.dirname(paths.dir), ip.dir, 0o755);
    try {
      const r = acquireLock(ip.lock, ip.breakLock);
      if (r.ok) return;
      throw new IngestLockedError(ref, r.holder?.pid);
    } catch (e) {
      if (!isErrno(e, 'ENOENT') || attempt >= 10) throw e;
    }
  }
}
