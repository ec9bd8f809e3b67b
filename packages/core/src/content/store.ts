/**
 * The content-addressed blob store over `<root>/io.containerd.content.v1.content`, with the
 * behaviour of containerd's local store: verified blobs under blobs/sha256, resumable ingests
 * under ingest/ (one writer per ref at a time, across processes), labels, status of ingests.
 * Every read path tolerates concurrent writers: blobs and sidecars appear and vanish by rename.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { NotFoundError } from '../errors';
import { validateContentDigest, validateRef } from './digest';
import { isErrno, readOptional, removeDirAtomic } from './files';
import { labelsMtime, readLabels, removeLabels, validateLabels, writeLabels } from './labels';
import { acquireLock, ownerAlive, readOwner, releaseLock } from './lock';
import { blobPath, contentPaths, ingestPaths, ingestPathsOf, type ContentPaths } from '../layout';
import type { ContentInfo, IngestStatus, Labels, WriterOptions } from './types';
import { ContentWriter } from './writer';
import { IngestLockedError } from './errors';

const HEX64 = /^[0-9a-f]{64}$/;
const INGEST_KEY = /^[0-9a-f]{64}$/;

export class ContentStore {
  readonly paths: ContentPaths;

  /** `root` is berth's --root (e.g. /var/lib/berth); folders are created on first write. */
  constructor(root: string) {
    this.paths = contentPaths(root);
  }

  /** The blob's size, times and labels; NotFoundError when it is not stored. */
  info(digest: string): ContentInfo {
    const file = blobPath(this.paths, digest);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch (e) {
      if (isErrno(e, 'ENOENT')) throw new NotFoundError(`content ${digest}: not found`);
      throw e;
    }
    const lm = labelsMtime(this.paths, digest);
    return {
      digest, size: st.size, createdAt: st.mtime,
      updatedAt: lm && lm > st.mtime ? lm : st.mtime,
      labels: readLabels(this.paths, digest),
    };
  }

  has(digest: string): boolean {
    try {
      return fs.statSync(blobPath(this.paths, digest)).isFile();
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return false;
      throw e;
    }
  }

  /**
   * A stream of the blob's bytes (optionally `start`..`end` inclusive). The file is opened now,
   * so a missing blob throws here and a concurrent delete does not cut the stream short.
   */
  readStream(digest: string, range: { start?: number; end?: number } = {}): Readable {
    const fd = this.open(digest);
    return fs.createReadStream('', { fd, start: range.start, end: range.end, autoClose: true });
  }

  readFile(digest: string): Buffer {
    const fd = this.open(digest);
    try {
      return fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Every stored blob (containerd's Walk), sorted by digest. */
  list(filter?: (info: ContentInfo) => boolean): ContentInfo[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.paths.blobs);
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return [];
      throw e;
    }
    const out: ContentInfo[] = [];
    for (const name of names.filter((n) => HEX64.test(n)).sort()) {
      try {
        const info = this.info(`sha256:${name}`);
        if (!filter || filter(info)) out.push(info);
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e; // deleted meanwhile
      }
    }
    return out;
  }

  /** Removes the blob and its labels; NotFoundError when it is not stored. */
  delete(digest: string): void {
    try {
      fs.unlinkSync(blobPath(this.paths, digest));
    } catch (e) {
      if (isErrno(e, 'ENOENT')) throw new NotFoundError(`content ${digest}: not found`);
      throw e;
    }
    removeLabels(this.paths, digest);
  }

  /** Replaces the blob's store-level labels (see labels.ts); an empty object clears them. */
  setLabels(digest: string, labels: Labels): ContentInfo {
    validateLabels(labels);
    if (!this.has(digest)) throw new NotFoundError(`content ${digest}: not found`);
    writeLabels(this.paths, digest, labels);
    return this.info(digest);
  }

  /**
   * Opens (or resumes) the ingest `ref`. Throws IngestLockedError while another live writer,
   * in this or another process, has it. Call commit(), close() (keeps the data) or abort().
   */
  writer(ref: string, opts: WriterOptions = {}): ContentWriter {
    validateRef(ref);
    return new ContentWriter(this.paths, ingestPaths(this.paths, ref), ref, (d) => this.info(d), opts);
  }

  /** Status of one ingest; NotFoundError when there is none. */
  status(ref: string): IngestStatus {
    validateRef(ref);
    const s = this.statusOf(ingestPaths(this.paths, ref).dir);
    if (!s || s.ref !== ref) throw new NotFoundError(`ingest ${JSON.stringify(ref)}: not found`);
    return s;
  }

  /** Removes the ingest `ref` and its data; IngestLockedError if a live writer has it. */
  abort(ref: string): void {
    validateRef(ref);
    const ip = ingestPaths(this.paths, ref);
    if (!fs.existsSync(ip.dir)) throw new NotFoundError(`ingest ${JSON.stringify(ref)}: not found`);
    let r;
    try {
      r = acquireLock(ip.lock, ip.breakLock);
    } catch (e) {
      if (isErrno(e, 'ENOENT')) throw new NotFoundError(`ingest ${JSON.stringify(ref)}: not found`);
      throw e;
    }
    if (!r.ok) throw new IngestLockedError(ref, r.holder?.pid);
    try {
      removeDirAtomic(ip.dir);
    } catch (e) {
      releaseLock(ip.lock);
      throw e;
    }
  }

  /** Every ingest in the store, active or abandoned (`ctr content active`), sorted by ref. */
  activeIngests(): IngestStatus[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.paths.ingest);
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return [];
      throw e;
    }
    const out: IngestStatus[] = [];
    for (const name of names) {
      if (!INGEST_KEY.test(name)) continue; // .trash-* of a removal in progress
      const s = this.statusOf(path.join(this.paths.ingest, name));
      if (s) out.push(s);
    }
    return out.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  }

  private statusOf(dir: string): IngestStatus | undefined {
    const ip = ingestPathsOf(dir);
    try {
      const ref = readOptional(ip.ref);
      if (ref === undefined) return undefined; // being created, or removed meanwhile
      let offset = 0;
      let mtime: Date | undefined;
      try {
        const st = fs.statSync(ip.data);
        offset = st.size;
        mtime = st.mtime;
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e;
      }
      const date = (t: string | undefined): Date | undefined => (t !== undefined && !Number.isNaN(Date.parse(t)) ? new Date(t) : undefined);
      const startedAt = date(readOptional(ip.startedAt)) ?? mtime ?? new Date(0);
      const upd = date(readOptional(ip.updatedAt));
      const updatedAt = upd && mtime ? (upd > mtime ? upd : mtime) : upd ?? mtime ?? startedAt;
      const totalText = readOptional(ip.total)?.trim();
      const owner = readOwner(ip.lock);
      const s: IngestStatus = { ref, offset, startedAt, updatedAt };
      if (totalText !== undefined && /^\d+$/.test(totalText)) s.total = Number(totalText);
      if (owner && ownerAlive(owner)) s.lockedBy = owner.pid;
      return s;
    } catch (e) {
      if (isErrno(e, 'ENOENT') || isErrno(e, 'ENOTDIR')) return undefined;
      throw e;
    }
  }

  private open(digest: string): number {
    validateContentDigest(digest);
    try {
      return fs.openSync(blobPath(this.paths, digest), 'r');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) throw new NotFoundError(`content ${digest}: not found`);
      throw e;
    }
  }
}
