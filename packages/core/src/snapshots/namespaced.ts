/**
 * Snapshots per namespace over one shared backing snapshotter, as containerd's metadata
 * snapshotter does: the metadata store maps (snapshotter, namespace, key) to a backing key
 * `<namespace>/<random>/<key>` of the overlayfs/native snapshotter, whose directories all
 * namespaces share. A committed layer that another namespace already holds with the same backing
 * parent (a chain ID unpacked twice) becomes a second record of the same backing snapshot, so it
 * is stored once; its directory goes when the last record naming it goes.
 *
 * The two stores cannot share a transaction, so steps are ordered to fail safe: a key is reserved
 * in the metadata before its (possibly slow) directory is made, and a commit renames the backing
 * snapshot before the record says "committed" — a process killed between steps leaves at worst
 * an active record without storage (removable) or backing storage no record names (`cleanup`).
 */
import { randomHex } from '../util/random';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError, StateError } from '../errors';
import { openMetadata, type MetadataStore } from '../metadata';
import type { Snapshot } from '../metadata/types';
import type { SnapshotInfo, SnapshotMount, SnapshotUsage, Snapshotter } from './types';

/** containerd's unpacker label: prepare fails with AlreadyExists when this committed target exists. */
export const SNAPSHOT_REF_LABEL = 'containerd.io/snapshot.ref';

/** Chain IDs name content-addressed layers: only those are shared across namespaces. */
const CHAIN_ID = /^sha256:[0-9a-f]{64}$/;

/** How old backing storage no record names must be before cleanup takes it (a commit in flight is younger). */
const ORPHAN_AGE_MS = 10 * 60_000;

function toInfo(s: Snapshot): SnapshotInfo {
  return {
    name: s.key, kind: s.kind, labels: s.labels,
    created: s.createdAt.toISOString(), updated: s.updatedAt.toISOString(),
    ...(s.parent !== undefined ? { parent: s.parent } : {}),
  };
}

export class NamespacedSnapshotter implements Snapshotter {
  readonly name: string;

  constructor(private readonly root: string, private readonly backend: Snapshotter, readonly namespace: string) {
    this.name = backend.name;
  }

  private meta<T>(fn: (m: MetadataStore) => T): T {
    const m = openMetadata(this.root);
    try {
      return fn(m);
    } finally {
      m.close();
    }
  }

  private record(m: MetadataStore, key: string): Snapshot {
    const s = m.snapshots.find(this.name, this.namespace, key);
    if (!s) throw new NotFoundError(`snapshot ${key}: not found in namespace ${this.namespace} (snapshotter ${this.name})`);
    return s;
  }

  private backingKey(key: string): string {
    return `${this.namespace}/${randomHex(6)}/${key}`;
  }

  prepare(key: string, parent?: string, labels: Record<string, string> = {}): Promise<SnapshotMount[]> {
    return this.create('active', key, parent, labels);
  }

  view(key: string, parent?: string, labels: Record<string, string> = {}): Promise<SnapshotMount[]> {
    return this.create('view', key, parent, labels);
  }

  private async create(kind: 'active' | 'view', key: string, parent: string | undefined, labels: Record<string, string>): Promise<SnapshotMount[]> {
    if (!key) throw new InvalidArgumentError('snapshot key must not be empty');
    const { [SNAPSHOT_REF_LABEL]: target, ...own } = labels;
    const backing = this.backingKey(key);
    const parentName = this.meta((m) => m.tx(() => {
      const p = parent === undefined ? undefined : m.snapshots.find(this.name, this.namespace, parent);
      if (parent !== undefined && !p) throw new NotFoundError(`snapshot ${key}: parent ${parent} not found in namespace ${this.namespace}`);
      if (target !== undefined) this.claimTarget(m, target, p);
      m.snapshots.create(this.name, this.namespace, { key, name: backing, kind, labels: own, ...(parent !== undefined ? { parent } : {}) });
      return p?.name;
    }));
    try {
      return kind === 'active' ? await this.backend.prepare(backing, parentName) : await this.backend.view(backing, parentName);
    } catch (err) {
      this.meta((m) => m.tx(() => { if (m.snapshots.find(this.name, this.namespace, key)?.name === backing) m.snapshots.remove(this.name, this.namespace, key); }));
      throw err;
    }
  }

  /**
   * The unpacker's question "is this layer there already?": yes if the namespace has it; yes
   * too if another namespace has it on the same backing parent — then it is linked here.
   */
  private claimTarget(m: MetadataStore, target: string, parent: Snapshot | undefined): void {
    if (m.snapshots.find(this.name, this.namespace, target)) throw new AlreadyExistsError(`target snapshot ${target}: already exists`);
    if (!CHAIN_ID.test(target)) return;
    const shared = m.snapshots.findShareable(this.name, this.namespace, target, parent?.name);
    if (!shared) return;
    m.snapshots.create(this.name, this.namespace, { key: target, name: shared.name, kind: 'committed', labels: shared.labels, ...(parent ? { parent: parent.key } : {}) });
    throw new AlreadyExistsError(`target snapshot ${target}: already exists`);
  }

  async commit(name: string, key: string, labels?: Record<string, string>): Promise<void> {
    if (!name) throw new InvalidArgumentError('snapshot name must not be empty');
    const active = this.meta((m) => {
      const a = this.record(m, key);
      if (a.kind !== 'active') throw new InvalidArgumentError(`snapshot ${key}: only an active snapshot can be committed (it is ${a.kind})`);
      if (m.snapshots.find(this.name, this.namespace, name)) throw new AlreadyExistsError(`snapshot ${name}: already exists in namespace ${this.namespace}`);
      return a;
    });
    // The same layer committed by another namespace on the same backing parent: keep theirs.
    if (CHAIN_ID.test(name)) {
      const linked = this.meta((m) => m.tx(() => {
        const parentName = active.parent === undefined ? undefined : this.record(m, active.parent).name;
        const shared = m.snapshots.findShareable(this.name, this.namespace, name, parentName);
        if (!shared) return false;
        m.snapshots.commit(this.name, this.namespace, key, name, labels ?? active.labels, shared.name);
        return true;
      }));
      if (linked) {
        await this.removeBacking(active.name);
        return;
      }
    }
    const backing = this.backingKey(name);
    await this.backend.commit(backing, active.name);
    try {
      this.meta((m) => m.snapshots.commit(this.name, this.namespace, key, name, labels ?? active.labels, backing));
    } catch (err) {
      await this.removeBacking(backing);
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    const gone = this.meta((m) => m.tx(() => {
      const s = this.record(m, key);
      const kids = m.snapshots.children(this.name, this.namespace, key);
      if (kids.length > 0) throw new StateError(`snapshot ${key}: cannot remove, it is the parent of ${kids.slice(0, 3).join(', ')}${kids.length > 3 ? ', ...' : ''} (remove those first)`);
      return m.snapshots.remove(this.name, this.namespace, s.key);
    }));
    if (!gone.nameInUse) await this.removeBacking(gone.name);
  }

  /** Drops backing storage; already gone is fine (a killed process may have left the record only). */
  private async removeBacking(name: string): Promise<void> {
    try {
      await this.backend.remove(name);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }

  mounts(key: string): SnapshotMount[] {
    const s = this.meta((m) => this.record(m, key));
    return this.backing(s, () => this.backend.mounts(s.name));
  }

  private backing<T>(s: Snapshot, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError(`snapshot ${s.key}: its storage ${s.name} is missing (a process was killed while making it?): remove the snapshot`);
      throw err;
    }
  }

  stat(key: string): SnapshotInfo {
    return toInfo(this.meta((m) => this.record(m, key)));
  }

  /** Replaces the snapshot's labels; returns the new info. */
  setLabels(key: string, labels: Record<string, string>): SnapshotInfo {
    return toInfo(this.meta((m) => m.snapshots.setLabels(this.name, this.namespace, key, labels)));
  }

  usage(key: string): SnapshotUsage {
    const s = this.meta((m) => this.record(m, key));
    return this.backing(s, () => this.backend.usage(s.name));
  }

  walk(): SnapshotInfo[] {
    return this.meta((m) => m.snapshots.list(this.name, this.namespace)).map(toInfo);
  }

  applyDir(key: string): string {
    const s = this.meta((m) => this.record(m, key));
    return this.backing(s, () => this.backend.applyDir(s.name));
  }

  /** Sweeps the backing snapshotter's leftovers and backing snapshots of this scheme no record names. */
  cleanup(): void {
    this.backend.cleanup();
    const named = this.meta((m) => m.snapshots.names(this.name));
    const orphans = this.backend.walk().filter((b) => isScoped(b.name) && !named.has(b.name) && Date.now() - Date.parse(b.updated) > ORPHAN_AGE_MS);
    // DirSnapshotter.remove does its work before its promise settles.
    removeBackingSnapshots(this.backend, orphans.map((o) => o.name)).catch(() => undefined);
  }
}

/** Backing keys this module makes: `<namespace>/<random>/<key>`. */
function isScoped(name: string): boolean {
  return /^[^/]+\/[0-9a-f]{12}\//.test(name);
}

/**
 * Removes backing snapshots by backing key, children before parents (for the garbage collector:
 * metadata's gc gives the backing ids no record uses). Returns the keys removed; a key whose
 * backing snapshot still has children outside the list is left.
 */
export async function removeBackingSnapshots(backend: Snapshotter, names: string[]): Promise<string[]> {
  const want = new Set(names);
  const all = backend.walk();
  const removed: string[] = [];
  // Leaves first: repeat while some wanted snapshot has no remaining child.
  for (let progress = true; progress && want.size > 0;) {
    progress = false;
    const parents = new Set(all.filter((s) => !removed.includes(s.name) && s.parent !== undefined).map((s) => s.parent as string));
    for (const n of [...want]) {
      if (parents.has(n)) continue;
      want.delete(n);
      try {
        await backend.remove(n);
        removed.push(n);
        progress = true;
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
  }
  return removed;
}
