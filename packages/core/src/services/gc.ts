/**
 * One garbage-collection pass, as containerd's synchronous GC after an image delete: under the
 * store-wide lock (no pull in flight), the metadata drops every content and snapshot record no
 * image, container, lease or gc.root reaches (one transaction, metadata/gc.ts), then the storage
 * goes: blobs no namespace references (also blobs a killed pull stored but never recorded) and
 * the backing snapshots no remaining record names, children before parents.
 */
import * as fs from 'node:fs';
import { ContentStore } from '../content';
import { NotFoundError } from '../errors';
import { snapshotterRoot } from '../layout';
import { openMetadata } from '../metadata';
import { SNAPSHOTTERS, openBackingSnapshotter, openSnapshotter, removeBackingSnapshots } from '../snapshots';
import { takeGcLock } from './gc-lock';

export interface GcReport {
  /** Blobs deleted from the content store. */
  blobs: string[];
  /** Snapshot records dropped, per snapshotter (namespace and key). */
  snapshots: { snapshotter: string; namespace: string; key: string }[];
  /** Backing snapshots whose storage was deleted, per snapshotter. */
  removedStorage: { snapshotter: string; name: string }[];
}

export async function collectGarbage(root: string): Promise<GcReport> {
  const release = takeGcLock(root, true);
  try {
    return await collectLocked(root);
  } finally {
    release();
  }
}

async function collectLocked(root: string): Promise<GcReport> {
  const store = new ContentStore(root);
  const meta = openMetadata(root);
  let swept: ReturnType<typeof meta.gc.sweep>;
  let orphans: string[];
  try {
    swept = meta.gc.sweep();
    // Blobs with no record at all: a pull or import killed between storing and recording.
    orphans = meta.content.unreferenced(store.list().map((b) => b.digest));
  } finally {
    meta.close();
  }
  const report: GcReport = { blobs: [], snapshots: [], removedStorage: [] };
  for (const d of [...new Set([...swept.blobs, ...orphans])].sort()) {
    try {
      store.delete(d);
      report.blobs.push(d);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
  for (const [snapshotter, list] of Object.entries(swept.snapshots)) {
    for (const s of list) report.snapshots.push({ snapshotter, namespace: s.namespace, key: s.key });
  }
  for (const snapshotter of SNAPSHOTTERS) {
    if (!fs.existsSync(snapshotterRoot(root, snapshotter))) continue;
    const names = swept.snapshotNames[snapshotter] ?? [];
    if (names.length > 0) {
      for (const name of await removeBackingSnapshots(openBackingSnapshotter(root, snapshotter), names)) {
        report.removedStorage.push({ snapshotter, name });
      }
    }
    // Directories and backing snapshots a killed process left with no record naming them (the
    // sweep is over every namespace's records, whichever namespace opens it).
    openSnapshotter(root, snapshotter, 'default').cleanup();
  }
  return report;
}
