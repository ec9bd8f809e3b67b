/** ctr's `images rm`/`images tag`, `content get`/`rm`/`active` and `snapshots ls`/`usage`. */
import { ContentStore } from '../content';
import type { IngestStatus } from '../content/types';
import { NotFoundError } from '../errors';
import { openMetadata } from '../metadata';
import type { Image } from '../metadata/types';
import { openSnapshotter, type SnapshotInfo, type SnapshotUsage } from '../snapshots';
import { withGcLock } from './gc-lock';

export interface BatchResult {
  /** Names (or digests) handled, in argument order. */
  removed: string[];
  /** One per argument that failed; the others were still tried. */
  errors: Error[];
  /** Blobs deleted from disk by the garbage collection that followed. */
  deletedBlobs: string[];
}

/**
 * Drops the metadata records no root reaches (in one write transaction) and deletes the blobs no
 * namespace references any more. Snapshots live in the snapshotter's own records, which the
 * metadata GC does not see, so they are left in place.
 */
function collect(root: string): string[] {
  return withGcLock(root, () => collectLocked(root));
}

function collectLocked(root: string): string[] {
  const meta = openMetadata(root);
  let blobs: string[];
  try {
    blobs = meta.gc.sweep().blobs;
  } finally {
    meta.close();
  }
  const store = new ContentStore(root);
  const deleted: string[] = [];
  for (const d of blobs) {
    try {
      store.delete(d);
      deleted.push(d);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
  return deleted;
}

export function removeImages(root: string, namespace: string, names: string[]): BatchResult {
  const meta = openMetadata(root);
  const removed: string[] = [];
  const errors: Error[] = [];
  try {
    for (const n of names) {
      try {
        meta.images.delete(namespace, n);
        removed.push(n);
      } catch (e) {
        if (e instanceof NotFoundError) errors.push(new NotFoundError(`image "${n}": not found`));
        else errors.push(e as Error);
      }
    }
  } finally {
    meta.close();
  }
  const deletedBlobs = removed.length ? collect(root) : [];
  return { removed, errors, deletedBlobs };
}

/** New image records with the source's target; an existing target name is replaced only with force. */
export function tagImage(root: string, namespace: string, source: string, targets: string[], force = false): Image[] {
  const meta = openMetadata(root);
  try {
    return meta.tx(() => {
      const src = meta.images.find(namespace, source);
      if (!src) throw new NotFoundError(`image "${source}": not found`);
      return targets.map((t) => {
        if (force && meta.images.find(namespace, t)) return meta.images.update(namespace, t, { target: src.target, labels: src.labels });
        return meta.images.create(namespace, { name: t, target: src.target, labels: src.labels });
      });
    });
  } finally {
    meta.close();
  }
}

/** The blob's bytes, if the namespace holds it. */
export function readContent(root: string, namespace: string, digest: string): Buffer {
  const meta = openMetadata(root);
  try {
    if (!meta.content.find(namespace, digest)) throw new NotFoundError(`content digest ${digest}: not found`);
  } finally {
    meta.close();
  }
  return new ContentStore(root).readFile(digest);
}

/** Drops the namespace's references; a blob no namespace references any more is deleted. */
export function removeContent(root: string, namespace: string, digests: string[]): BatchResult {
  const meta = openMetadata(root);
  const removed: string[] = [];
  const errors: Error[] = [];
  const orphans: string[] = [];
  try {
    for (const d of digests) {
      try {
        if (!meta.content.remove(namespace, d).stillReferenced) orphans.push(d);
        removed.push(d);
      } catch (e) {
        if (e instanceof NotFoundError) errors.push(new NotFoundError(`content digest ${d}: not found`));
        else errors.push(e as Error);
      }
    }
  } finally {
    meta.close();
  }
  const store = new ContentStore(root);
  const deletedBlobs: string[] = [];
  withGcLock(root, () => {
    // Checked again under the lock: a pull may have referenced the blob since.
    const m = openMetadata(root);
    let gone: string[];
    try {
      gone = orphans.length ? m.content.unreferenced(orphans) : [];
    } finally {
      m.close();
    }
    for (const d of gone) {
      try {
        store.delete(d);
        deletedBlobs.push(d);
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
    }
  });
  return { removed, errors, deletedBlobs };
}

export function activeIngests(root: string): IngestStatus[] {
  return new ContentStore(root).activeIngests();
}

export function listSnapshots(root: string, snapshotter: string): SnapshotInfo[] {
  return openSnapshotter(root, snapshotter).walk().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Usage of the named snapshots, or of all of them. */
export function snapshotUsage(root: string, snapshotter: string, key?: string): { key: string; usage: SnapshotUsage }[] {
  const sn = openSnapshotter(root, snapshotter);
  const keys = key !== undefined ? [key] : sn.walk().map((s) => s.name).sort();
  return keys.map((k) => ({ key: k, usage: sn.usage(k) }));
}
