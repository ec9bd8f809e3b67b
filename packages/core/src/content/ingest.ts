/** Streaming a blob into the store in one pass: bytes are hashed as they are written, then committed. */
import type { Readable } from 'node:stream';
import type { ContentStore } from './store';
import type { CommitOptions, CommitResult } from './types';

/**
 * A source of bytes: a stream from byte 0, or a function given the ingest's current offset that
 * returns a stream of the bytes from there (e.g. an HTTP request with `Range: bytes=<offset>-`),
 * which resumes an interrupted download.
 */
export type IngestSource = Readable | ((offset: number) => Promise<Readable> | Readable);

/**
 * Writes `source` under `ref` and commits it. If the expected blob is stored already the source
 * is not read (a stream is destroyed) and the existing blob is returned with `existed`. On a read
 * error the partial data is kept for a later resume; on a size or digest mismatch it is dropped.
 */
export async function ingestFromStream(store: ContentStore, ref: string, source: IngestSource, opts: CommitOptions = {}): Promise<CommitResult> {
  if (opts.expectedDigest !== undefined && store.has(opts.expectedDigest)) {
    if (typeof source !== 'function') source.destroy();
    const info = store.info(opts.expectedDigest);
    return { ...(opts.labels !== undefined ? store.setLabels(opts.expectedDigest, opts.labels) : info), existed: true };
  }
  const w = store.writer(ref, { expectedDigest: opts.expectedDigest, expectedSize: opts.expectedSize });
  try {
    let stream: Readable;
    if (typeof source === 'function') {
      stream = await source(w.offset);
    } else {
      // A plain stream starts at byte 0: an earlier partial ingest of this ref is started over.
      if (w.offset > 0) w.truncate(0);
      stream = source;
    }
    for await (const chunk of stream) {
      w.write(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
    }
    return w.commit({ labels: opts.labels });
  } finally {
    w.close(); // no-op after commit or a discarding mismatch
  }
}
