/**
 * ctr's `leases` commands. A lease holds what it lists (content, snapshots, ingests) against
 * garbage collection until it is deleted or expires; the expiry shows as containerd's
 * `containerd.io/gc.expire` label, as ctr lists it.
 */
import { randomBytesSync } from '../util/random';
import { InvalidArgumentError } from '../errors';
import { openMetadata, type MetadataStore } from '../metadata';
import type { Labels, Lease, LeaseResource } from '../metadata/types';
import { collectGarbage, type GcReport } from './gc';
import { rfc3339 } from '../util/time';

export const GC_EXPIRE = 'containerd.io/gc.expire';

export interface LeaseView {
  id: string;
  createdAt: Date;
  /** The lease's labels, with its expiry as `containerd.io/gc.expire` when it has one. */
  labels: Labels;
}

function withMeta<T>(root: string, fn: (m: MetadataStore) => T): T {
  const m = openMetadata(root);
  try {
    return fn(m);
  } finally {
    m.close();
  }
}

function view(l: Lease): LeaseView {
  const labels = { ...l.labels };
  if (l.expiresAt) labels[GC_EXPIRE] = rfc3339(l.expiresAt);
  return { id: l.id, createdAt: l.createdAt, labels };
}

/** containerd's random lease id: `<nanoseconds>-<4 base64url chars>` (drawn again until it is a valid identifier). */
function randomLeaseId(): string {
  for (;;) {
    const ns = (process.hrtime.bigint() % 1_000_000_000n).toString();
    const id = `${ns}-${randomBytesSync(3).toString('base64url')}`;
    if (/^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/.test(id)) return id;
  }
}

export interface CreateLeaseOptions {
  id?: string;
  /** Milliseconds until it expires; 0 or undefined: never. */
  expiresInMs?: number;
  labels?: Labels;
}

export function createLease(root: string, namespace: string, opts: CreateLeaseOptions = {}): LeaseView {
  const labels = { ...(opts.labels ?? {}) };
  let expiresAt: Date | undefined;
  if (opts.expiresInMs !== undefined && opts.expiresInMs > 0) expiresAt = new Date(Date.now() + opts.expiresInMs);
  // containerd keeps the expiry as this label: one given by hand sets it too.
  const given = labels[GC_EXPIRE];
  if (given !== undefined) {
    delete labels[GC_EXPIRE];
    const t = Date.parse(given);
    if (!Number.isFinite(t)) throw new InvalidArgumentError(`lease label ${GC_EXPIRE}="${given}": not an RFC 3339 time`);
    expiresAt = new Date(t);
  }
  return withMeta(root, (m) => view(m.leases.create(namespace, { id: opts.id || randomLeaseId(), labels, ...(expiresAt ? { expiresAt } : {}) })));
}

export function listLeases(root: string, namespace: string): LeaseView[] {
  return withMeta(root, (m) => m.leases.list(namespace).map(view));
}

/** Adds resources to a lease (what `--lease` on other commands will use). */
export function addLeaseResources(root: string, namespace: string, id: string, resources: LeaseResource[]): void {
  withMeta(root, (m) => m.tx(() => { for (const r of resources) m.leases.addResource(namespace, id, r); }));
}

export function leaseResources(root: string, namespace: string, id: string): LeaseResource[] {
  return withMeta(root, (m) => m.leases.resources(namespace, id));
}

/**
 * Deletes the leases in order (stopping at the first failure, as ctr does), then collects what
 * they alone held. With no daemon there is no background GC to run later: the collection always
 * happens here (ctr's --sync only makes the daemon's wait for it).
 */
export async function removeLeases(root: string, namespace: string, ids: string[]): Promise<{ removed: string[]; gc: GcReport; error?: Error }> {
  const removed: string[] = [];
  let error: Error | undefined;
  withMeta(root, (m) => {
    for (const id of ids) {
      try {
        m.leases.delete(namespace, id);
        removed.push(id);
      } catch (err) {
        error = err as Error;
        return;
      }
    }
  });
  const gc = await collectGarbage(root);
  return { removed, gc, ...(error ? { error } : {}) };
}
