/** Container records: what ctr/crictl create before a task runs (spec, runtime, rootfs snapshot). */
import { AlreadyExistsError, InvalidArgumentError } from '../errors';
import { labelsJson, notFound, now, parseJson, parseLabels, type StoreContext } from './context';
import type { Container, ContainerRuntime, LabelFilter, Labels } from './types';
import { matchLabels, validateIdentifier, validateLabels, validateNonEmpty } from './validate';

interface Row {
  namespace: string;
  id: string;
  image: string;
  runtime: string;
  spec: string;
  snapshotter: string;
  snapshot_key: string;
  labels: string;
  extensions: string;
  created_at: number;
  updated_at: number;
}

function toContainer(r: Row): Container {
  return {
    namespace: r.namespace,
    id: r.id,
    image: r.image,
    runtime: parseJson(r.runtime) as ContainerRuntime,
    spec: parseJson(r.spec),
    snapshotter: r.snapshotter,
    snapshotKey: r.snapshot_key,
    labels: parseLabels(r.labels),
    extensions: parseJson(r.extensions) as Record<string, unknown>,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

export interface ContainerInput {
  id: string;
  image?: string;
  runtime: ContainerRuntime;
  spec?: unknown;
  snapshotter?: string;
  snapshotKey?: string;
  labels?: Labels;
  extensions?: Record<string, unknown>;
}

export type ContainerUpdate = Partial<Omit<ContainerInput, 'id'>>;

/** A label key a quoted JSON path names as it is. */
const SIMPLE_KEY = /^[\w.\/-]+$/;

export interface ContainerFilter {
  image?: string;
  labels?: LabelFilter;
}

function json(what: string, v: unknown): string {
  const s = JSON.stringify(v ?? null);
  if (s === undefined) throw new InvalidArgumentError(`${what}: not representable as JSON`);
  return s;
}

export class Containers {
  constructor(private readonly s: StoreContext) {}

  find(namespace: string, id: string): Container | undefined {
    const r = this.s.stmt('SELECT * FROM containers WHERE namespace = ? AND id = ?').get(namespace, id) as Row | undefined;
    return r ? toContainer(r) : undefined;
  }

  get(namespace: string, id: string): Container {
    const c = this.find(namespace, id);
    if (!c) throw notFound(`container "${id}"`, namespace);
    return c;
  }

  list(namespace: string, filter: ContainerFilter = {}): Container[] {
    // The label filter in SQL too, so that other rows are not parsed (CRI's pods and containers
    // share the namespace: a listing of one kind parsed both kinds' specs). Keys that a JSON path
    // cannot quote are left to matchLabels, which checks every filter again.
    let where = 'namespace = ?';
    const params: string[] = [namespace];
    for (const [k, v] of Object.entries(filter.labels ?? {})) {
      if (!SIMPLE_KEY.test(k)) continue;
      if (v === undefined) where += ' AND json_type(labels, ?) IS NOT NULL';
      else where += ' AND json_extract(labels, ?) = ?';
      params.push(`$."${k}"`);
      if (v !== undefined) params.push(v);
    }
    return (this.s.stmt(`SELECT * FROM containers WHERE ${where} ORDER BY id`).all(...params) as Row[])
      .map(toContainer)
      .filter((c) => (filter.image === undefined || c.image === filter.image) && matchLabels(c.labels, filter.labels));
  }

  create(namespace: string, input: ContainerInput): Container {
    validateIdentifier('container', input.id);
    validateNonEmpty(`container "${input.id}" runtime name`, input.runtime?.name);
    validateLabels(input.labels ?? {});
    if (input.snapshotKey && !input.snapshotter) throw new InvalidArgumentError(`container "${input.id}": a snapshot key needs a snapshotter`);
    return this.s.tx(() => {
      this.s.ensureNamespace(namespace);
      if (this.find(namespace, input.id)) throw new AlreadyExistsError(`container "${input.id}" in namespace "${namespace}": already exists`);
      const t = now();
      this.s.stmt(`INSERT INTO containers (namespace, id, image, runtime, spec, snapshotter, snapshot_key, labels, extensions, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        namespace, input.id, input.image ?? '', json('container runtime', input.runtime), json('container spec', input.spec),
        input.snapshotter ?? '', input.snapshotKey ?? '', labelsJson(input.labels), json('container extensions', input.extensions ?? {}), t, t);
      return this.get(namespace, input.id);
    });
  }

  /** Changes the given fields; labels and extensions are replaced as a whole. */
  update(namespace: string, id: string, patch: ContainerUpdate): Container {
    if (patch.labels) validateLabels(patch.labels);
    return this.s.tx(() => {
      const c = this.get(namespace, id);
      const snapshotter = patch.snapshotter ?? c.snapshotter;
      const snapshotKey = patch.snapshotKey ?? c.snapshotKey;
      if (snapshotKey && !snapshotter) throw new InvalidArgumentError(`container "${id}": a snapshot key needs a snapshotter`);
      this.s.stmt(`UPDATE containers SET image = ?, runtime = ?, spec = ?, snapshotter = ?, snapshot_key = ?, labels = ?, extensions = ?, updated_at = ?
        WHERE namespace = ? AND id = ?`).run(
        patch.image ?? c.image, json('container runtime', patch.runtime ?? c.runtime), json('container spec', patch.spec !== undefined ? patch.spec : c.spec),
        snapshotter, snapshotKey, labelsJson(patch.labels ?? c.labels), json('container extensions', patch.extensions ?? c.extensions), now(), namespace, id);
      return this.get(namespace, id);
    });
  }

  delete(namespace: string, id: string): void {
    this.s.tx(() => {
      const r = this.s.stmt('DELETE FROM containers WHERE namespace = ? AND id = ?').run(namespace, id);
      if (r.changes === 0) throw notFound(`container "${id}"`, namespace);
    });
  }
}
