/**
 * Leases: a client's claim on resources (content, snapshots, ingests) so that garbage collection
 * keeps them while, e.g., a pull is between downloading a blob and naming the image.
 */
import { AlreadyExistsError, InvalidArgumentError } from '../errors';
import { labelsJson, notFound, now, parseLabels, type StoreContext } from './context';
import type { LabelFilter, Labels, Lease, LeaseResource, LeaseResourceType } from './types';
import { matchLabels, validateDigest, validateIdentifier, validateLabels, validateNonEmpty } from './validate';

interface Row {
  namespace: string;
  id: string;
  labels: string;
  created_at: number;
  expires_at: number | null;
}

interface ResourceRow {
  type: LeaseResourceType;
  snapshotter: string;
  id: string;
}

function toLease(r: Row): Lease {
  const l: Lease = { namespace: r.namespace, id: r.id, labels: parseLabels(r.labels), createdAt: new Date(r.created_at) };
  if (r.expires_at !== null) l.expiresAt = new Date(r.expires_at);
  return l;
}

function toResource(r: ResourceRow): LeaseResource {
  return r.type === 'snapshot' ? { type: r.type, id: r.id, snapshotter: r.snapshotter } : { type: r.type, id: r.id };
}

export interface LeaseInput {
  id: string;
  labels?: Labels;
  expiresAt?: Date;
}

const TYPES: readonly LeaseResourceType[] = ['content', 'snapshot', 'ingest'];

function validateResource(r: LeaseResource): void {
  if (!TYPES.includes(r.type)) throw new InvalidArgumentError(`lease resource type "${r.type}": not one of ${TYPES.join(', ')}`);
  validateNonEmpty(`lease ${r.type} resource id`, r.id);
  if (r.type === 'content') validateDigest(r.id);
  if (r.type === 'snapshot') validateNonEmpty(`lease snapshot resource "${r.id}" snapshotter`, r.snapshotter ?? '');
  else if (r.snapshotter) throw new InvalidArgumentError(`lease ${r.type} resource "${r.id}": only snapshots have a snapshotter`);
}

export class Leases {
  constructor(private readonly s: StoreContext) {}

  find(namespace: string, id: string): Lease | undefined {
    const r = this.s.stmt('SELECT * FROM leases WHERE namespace = ? AND id = ?').get(namespace, id) as Row | undefined;
    return r ? toLease(r) : undefined;
  }

  get(namespace: string, id: string): Lease {
    const l = this.find(namespace, id);
    if (!l) throw notFound(`lease "${id}"`, namespace);
    return l;
  }

  list(namespace: string, labels?: LabelFilter): Lease[] {
    return (this.s.stmt('SELECT * FROM leases WHERE namespace = ? ORDER BY id').all(namespace) as Row[])
      .map(toLease)
      .filter((l) => matchLabels(l.labels, labels));
  }

  create(namespace: string, input: LeaseInput): Lease {
    validateIdentifier('lease', input.id);
    validateLabels(input.labels ?? {});
    const exp = input.expiresAt?.getTime();
    if (exp !== undefined && !Number.isFinite(exp)) throw new InvalidArgumentError(`lease "${input.id}": expiry is not a valid time`);
    return this.s.tx(() => {
      this.s.ensureNamespace(namespace);
      if (this.find(namespace, input.id)) throw new AlreadyExistsError(`lease "${input.id}" in namespace "${namespace}": already exists`);
      this.s.stmt('INSERT INTO leases (namespace, id, labels, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
        .run(namespace, input.id, labelsJson(input.labels), now(), exp ?? null);
      return this.get(namespace, input.id);
    });
  }

  /** Deletes the lease and its resource list (the resources themselves become GC candidates). */
  delete(namespace: string, id: string): void {
    this.s.tx(() => {
      const r = this.s.stmt('DELETE FROM leases WHERE namespace = ? AND id = ?').run(namespace, id);
      if (r.changes === 0) throw notFound(`lease "${id}"`, namespace);
    });
  }

  /** Adds a resource to the lease (idempotent). */
  addResource(namespace: string, id: string, resource: LeaseResource): void {
    validateResource(resource);
    this.s.tx(() => {
      this.get(namespace, id);
      this.s.stmt('INSERT OR IGNORE INTO lease_resources (namespace, lease, type, snapshotter, id) VALUES (?, ?, ?, ?, ?)')
        .run(namespace, id, resource.type, resource.snapshotter ?? '', resource.id);
    });
  }

  removeResource(namespace: string, id: string, resource: LeaseResource): void {
    this.s.tx(() => {
      this.get(namespace, id);
      const r = this.s.stmt('DELETE FROM lease_resources WHERE namespace = ? AND lease = ? AND type = ? AND snapshotter = ? AND id = ?')
        .run(namespace, id, resource.type, resource.snapshotter ?? '', resource.id);
      if (r.changes === 0) throw notFound(`${resource.type} resource "${resource.id}" of lease "${id}"`, namespace);
    });
  }

  resources(namespace: string, id: string): LeaseResource[] {
    return this.s.read(() => {
      this.get(namespace, id);
      return (this.s.stmt('SELECT type, snapshotter, id FROM lease_resources WHERE namespace = ? AND lease = ? ORDER BY type, snapshotter, id')
        .all(namespace, id) as ResourceRow[]).map(toResource);
    });
  }
}
