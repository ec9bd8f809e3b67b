/**
 * Snapshot records: (snapshotter, namespace, key) → the snapshotter's backing id, parent key and
 * kind. The snapshotter module owns the directories; this only keeps who is what and who needs whom.
 */
import { AlreadyExistsError, InvalidArgumentError, StateError } from '../errors';
import { labelsJson, notFound, now, parseLabels, type StoreContext } from './context';
import type { LabelFilter, Labels, Snapshot, SnapshotKind } from './types';
import { matchLabels, validateLabels, validateNonEmpty } from './validate';

interface Row {
  snapshotter: string;
  namespace: string;
  key: string;
  name: string;
  parent: string | null;
  kind: SnapshotKind;
  labels: string;
  created_at: number;
  updated_at: number;
}

function toSnapshot(r: Row): Snapshot {
  const s: Snapshot = {
    snapshotter: r.snapshotter, namespace: r.namespace, key: r.key, name: r.name, kind: r.kind,
    labels: parseLabels(r.labels), createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
  };
  if (r.parent !== null) s.parent = r.parent;
  return s;
}

export interface SnapshotInput {
  key: string;
  /** The snapshotter's backing id. */
  name: string;
  parent?: string;
  kind: SnapshotKind;
  labels?: Labels;
}

const KINDS: readonly SnapshotKind[] = ['active', 'view', 'committed'];

export class Snapshots {
  constructor(private readonly s: StoreContext) {}

  find(snapshotter: string, namespace: string, key: string): Snapshot | undefined {
    const r = this.s.stmt('SELECT * FROM snapshots WHERE snapshotter = ? AND namespace = ? AND key = ?').get(snapshotter, namespace, key) as Row | undefined;
    return r ? toSnapshot(r) : undefined;
  }

  get(snapshotter: string, namespace: string, key: string): Snapshot {
    const s = this.find(snapshotter, namespace, key);
    if (!s) throw notFound(`snapshot "${key}" (${snapshotter})`, namespace);
    return s;
  }

  list(snapshotter: string, namespace: string, labels?: LabelFilter): Snapshot[] {
    return (this.s.stmt('SELECT * FROM snapshots WHERE snapshotter = ? AND namespace = ? ORDER BY key').all(snapshotter, namespace) as Row[])
      .map(toSnapshot)
      .filter((s) => matchLabels(s.labels, labels));
  }

  /** Keys of the snapshots whose parent is the given one. */
  children(snapshotter: string, namespace: string, key: string): string[] {
    return (this.s.stmt('SELECT key FROM snapshots WHERE snapshotter = ? AND namespace = ? AND parent = ? ORDER BY key').all(snapshotter, namespace, key) as { key: string }[]).map((r) => r.key);
  }

  create(snapshotter: string, namespace: string, input: SnapshotInput): Snapshot {
    validateNonEmpty('snapshotter', snapshotter);
    validateNonEmpty('snapshot key', input.key);
    validateNonEmpty(`snapshot "${input.key}" name`, input.name);
    if (!KINDS.includes(input.kind)) throw new InvalidArgumentError(`snapshot "${input.key}": kind "${input.kind}" is not one of ${KINDS.join(', ')}`);
    validateLabels(input.labels ?? {});
    return this.s.tx(() => {
      this.s.ensureNamespace(namespace);
      if (this.find(snapshotter, namespace, input.key)) throw new AlreadyExistsError(`snapshot "${input.key}" (${snapshotter}) in namespace "${namespace}": already exists`);
      if (input.parent !== undefined) {
        const p = this.get(snapshotter, namespace, input.parent);
        if (p.kind !== 'committed') throw new InvalidArgumentError(`snapshot "${input.key}": parent "${input.parent}" is ${p.kind}, not committed`);
      }
      const t = now();
      this.s.stmt(`INSERT INTO snapshots (snapshotter, namespace, key, name, parent, kind, labels, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(snapshotter, namespace, input.key, input.name, input.parent ?? null, input.kind, labelsJson(input.labels), t, t);
      return this.get(snapshotter, namespace, input.key);
    });
  }

  /**
   * Turns an active snapshot into a committed one under a new key, keeping its parent and its
   * backing id unless `name` gives the new one (as containerd's Commit: the active key is gone
   * afterwards).
   */
  commit(snapshotter: string, namespace: string, activeKey: string, key: string, labels?: Labels, name?: string): Snapshot {
    validateNonEmpty('snapshot key', key);
    if (labels) validateLabels(labels);
    return this.s.tx(() => {
      const a = this.get(snapshotter, namespace, activeKey);
      if (a.kind !== 'active') throw new StateError(`snapshot "${activeKey}" (${snapshotter}) in namespace "${namespace}": is ${a.kind}, only an active snapshot can be committed`);
      if (this.find(snapshotter, namespace, key)) throw new AlreadyExistsError(`snapshot "${key}" (${snapshotter}) in namespace "${namespace}": already exists`);
      const t = now();
      this.s.stmt(`INSERT INTO snapshots (snapshotter, namespace, key, name, parent, kind, labels, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, 'committed', ?, ?, ?)`).run(snapshotter, namespace, key, name ?? a.name, a.parent ?? null, labelsJson(labels ?? a.labels), t, t);
      this.s.stmt('DELETE FROM snapshots WHERE snapshotter = ? AND namespace = ? AND key = ?').run(snapshotter, namespace, activeKey);
      return this.get(snapshotter, namespace, key);
    });
  }

  setLabels(snapshotter: string, namespace: string, key: string, labels: Labels): Snapshot {
    validateLabels(labels);
    return this.s.tx(() => {
      const r = this.s.stmt('UPDATE snapshots SET labels = ?, updated_at = ? WHERE snapshotter = ? AND namespace = ? AND key = ?')
        .run(labelsJson(labels), now(), snapshotter, namespace, key);
      if (r.changes === 0) throw notFound(`snapshot "${key}" (${snapshotter})`, namespace);
      return this.get(snapshotter, namespace, key);
    });
  }

  /**
   * Removes a snapshot record; refused while children need it. Returns whether another record
   * (another namespace) still uses the same backing id.
   */
  remove(snapshotter: string, namespace: string, key: string): { nameInUse: boolean; name: string } {
    return this.s.tx(() => {
      const s = this.get(snapshotter, namespace, key);
      const kids = this.children(snapshotter, namespace, key);
      if (kids.length > 0) throw new StateError(`snapshot "${key}" (${snapshotter}) in namespace "${namespace}": has ${kids.length} child snapshot(s) (${kids.slice(0, 3).join(', ')}${kids.length > 3 ? ', ...' : ''})`);
      this.s.stmt('DELETE FROM snapshots WHERE snapshotter = ? AND namespace = ? AND key = ?').run(snapshotter, namespace, key);
      const inUse = this.s.stmt('SELECT 1 FROM snapshots WHERE snapshotter = ? AND name = ? LIMIT 1').get(snapshotter, s.name) !== undefined;
      return { nameInUse: inUse, name: s.name };
    });
  }

  /**
   * A committed snapshot of another namespace that namespace `namespace` may share: same key,
   * and its parent's backing id is `parentName` (so the backing chain is the same one).
   */
  findShareable(snapshotter: string, namespace: string, key: string, parentName: string | undefined): Snapshot | undefined {
    const r = this.s.stmt(`
      SELECT s.* FROM snapshots s
      LEFT JOIN snapshots p ON p.snapshotter = s.snapshotter AND p.namespace = s.namespace AND p.key = s.parent
      WHERE s.snapshotter = ? AND s.key = ? AND s.kind = 'committed' AND s.namespace != ?
        AND ((? IS NULL AND s.parent IS NULL) OR p.name = ?)
      ORDER BY s.created_at LIMIT 1`).get(snapshotter, key, namespace, parentName ?? null, parentName ?? null) as Row | undefined;
    return r ? toSnapshot(r) : undefined;
  }

  /** Every backing id some record of any namespace uses. */
  names(snapshotter: string): Set<string> {
    return new Set((this.s.stmt('SELECT DISTINCT name FROM snapshots WHERE snapshotter = ?').all(snapshotter) as { name: string }[]).map((r) => r.name));
  }

  /**
   * Snapshots that nothing refers to directly: no child snapshot, no container, no lease and
   * no gc.ref label of another snapshot, content, image or container, and no gc.root label.
   * (Full reachability from roots is the GC's job; this is the cheap "leaf nobody holds" set.)
   */
  unreferenced(snapshotter: string): { namespace: string; key: string; name: string }[] {
    return this.s.read(() => {
      const rows = this.s.stmt(`
        SELECT s.namespace, s.key, s.name FROM snapshots s
        WHERE s.snapshotter = ?
          AND NOT EXISTS (SELECT 1 FROM snapshots c WHERE c.snapshotter = s.snapshotter AND c.namespace = s.namespace AND c.parent = s.key)
          AND NOT EXISTS (SELECT 1 FROM containers c WHERE c.namespace = s.namespace AND c.snapshotter = s.snapshotter AND c.snapshot_key = s.key)
          AND NOT EXISTS (SELECT 1 FROM lease_resources r WHERE r.namespace = s.namespace AND r.type = 'snapshot' AND r.snapshotter = s.snapshotter AND r.id = s.key)
          AND NOT EXISTS (SELECT 1 FROM json_each(s.labels) j WHERE j.key = 'containerd.io/gc.root')
          AND NOT EXISTS (
            SELECT 1 FROM (
              SELECT namespace, labels FROM snapshots UNION ALL SELECT namespace, labels FROM content
              UNION ALL SELECT namespace, labels FROM images UNION ALL SELECT namespace, labels FROM containers
            ) o, json_each(o.labels) j
            WHERE o.namespace = s.namespace AND j.value = s.key
              AND (j.key = 'containerd.io/gc.ref.snapshot.' || s.snapshotter OR substr(j.key, 1, length(s.snapshotter) + 31) = 'containerd.io/gc.ref.snapshot.' || s.snapshotter || '/'))
        ORDER BY s.namespace, s.key`).all(snapshotter) as { namespace: string; key: string; name: string }[];
      return rows.map((r) => ({ namespace: r.namespace, key: r.key, name: r.name }));
    });
  }
}
