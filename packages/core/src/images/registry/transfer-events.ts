/**
 * Byte-level progress of blob transfers, for a progress display. Process-wide watchers rather
 * than a client option, so a display sees the bytes of every client a service makes (pull builds
 * its own client) without each service threading a callback through.
 */
import { Transform, pipeline, type Readable } from 'node:stream';

export interface TransferEvent {
  direction: 'download' | 'upload';
  digest: string;
  /** Bytes of the blob done so far (a resumed download starts at its offset). */
  offset: number;
  /** The blob's size when known. */
  total: number | undefined;
}

export type TransferWatcher = (e: TransferEvent) => void;

const watchers = new Set<TransferWatcher>();

/** Calls `fn` for every chunk moved by any registry client in this process; returns the unsubscribe. */
export function watchTransfers(fn: TransferWatcher): () => void {
  watchers.add(fn);
  return () => { watchers.delete(fn); };
}

export function emitTransfer(e: TransferEvent): void {
  for (const w of watchers) {
    try {
      w(e);
    } catch { /* a display failing must not fail the transfer */ }
  }
}

/** `src` unchanged, reporting its bytes as they pass (and `src` itself when nobody watches). */
export function countedStream(src: Readable, direction: TransferEvent['direction'], digest: string, start: number, total: number | undefined): Readable {
  if (watchers.size === 0) return src;
  let offset = start;
  // Counted in transform(), not with a 'data' listener, which would start the flow too early.
  const out = new Transform({
    transform(c: Buffer, _enc, done) {
      offset += c.length;
      emitTransfer({ direction, digest, offset, total });
      done(null, c);
    },
  });
  // Errors travel both ways: a failed source fails the consumer, a consumer giving up closes the source.
  pipeline(src, out, () => undefined);
  return out;
}
