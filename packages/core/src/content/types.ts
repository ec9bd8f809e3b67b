/** Records returned by the content store. */

export type Labels = Record<string, string>;

/** A committed blob. */
export interface ContentInfo {
  digest: string;
  size: number;
  /** When the blob was committed (its file's mtime). */
  createdAt: Date;
  /** Last change of the blob or of its labels. */
  updatedAt: Date;
  labels: Labels;
}

/** What commit() returns; `existed` when an identical blob was there already (the ingest was dropped). */
export interface CommitResult extends ContentInfo {
  existed: boolean;
}

/** An ingest in progress or abandoned (`ctr content active`). */
export interface IngestStatus {
  ref: string;
  /** Bytes written so far: where a resumed download continues (HTTP Range: bytes=offset-). */
  offset: number;
  /** Expected total size, when the writer was told it. */
  total?: number;
  startedAt: Date;
  updatedAt: Date;
  /** Pid of the live process writing it, if any. */
  lockedBy?: number;
}

export interface WriterOptions {
  /** Checked at commit (and may be given there instead). */
  expectedDigest?: string;
  /** Checked at every write (never more) and at commit (exactly); recorded as the ingest's total. */
  expectedSize?: number;
}

export interface CommitOptions extends WriterOptions {
  /** Store-level labels to set on the committed blob (replacing any it had). */
  labels?: Labels;
}
