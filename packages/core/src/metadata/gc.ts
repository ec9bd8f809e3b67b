/**
 * Garbage-collection reachability, as containerd's metadata GC marks it:
 *  roots    — images (target + their gc.ref labels), containers (rootfs snapshot + gc.ref labels),
 *             unexpired leases' resources, content and snapshots labelled `containerd.io/gc.root`;
 *  edges    — a content's or snapshot's `containerd.io/gc.ref.content[.*|/*]` labels (a digest) and
 *             `containerd.io/gc.ref.snapshot.<snapshotter>[/*]` labels (a key); a snapshot's parent.
 *  A lease labelled `containerd.io/gc.flat` holds its resources but not what they reference.
 * All references stay inside one namespace. The computation reads one consistent snapshot of the
 * database; deleting files belongs to the content store and the snapshotters.
 */
import { parseLabels, type StoreContext } from './context';
import type { Labels } from './types';

export const GC_ROOT = 'containerd.io/gc.root';
export const GC_FLAT = 'containerd.io/gc.flat';
const REF_CONTENT = 'containerd.io/gc.ref.content';
const REF_SNAPSHOT = 'containerd.io/gc.ref.snapshot.';

export interface SnapshotId {
  namespace: string;
  key: string;
  name: string;
}

export interface GcResult {
  /** Content references no root reaches (metadata records to drop). */
  content: { namespace: string; digest: string }[];
  /** Digests that no namespace reaches: the blobs the content store may delete. */
  blobs: string[];
  /** Per snapshotter: snapshot records no root reaches. */
  snapshots: Record<string, SnapshotId[]>;
  /** Per snapshotter: backing ids that no reachable record uses (directories to delete). */
  snapshotNames: Record<string, string[]>;
  /** Leases past their expiry (no longer roots). */
  expiredLeases: { namespace: string; id: string }[];
  /** Ingest refs held by live leases (partial downloads to keep). */
  leasedIngests: { namespace: string; ref: string }[];
}

type Node = string;
const contentNode = (ns: string, digest: string): Node => `c\0${ns}\0${digest}`;
const snapshotNode = (snapshotter: string, ns: string, key: string): Node => `s\0${snapshotter}\0${ns}\0${key}`;

/** The nodes a set of labels points at, in namespace ns. */
function labelRefs(ns: string, labels: Labels): Node[] {
  const out: Node[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (k === REF_CONTENT || k.startsWith(`${REF_CONTENT}.`) || k.startsWith(`${REF_CONTENT}/`)) {
      out.push(contentNode(ns, v));
    } else if (k.startsWith(REF_SNAPSHOT)) {
      const rest = k.slice(REF_SNAPSHOT.length);
      const slash = rest.indexOf('/');
      const snapshotter = slash >= 0 ? rest.slice(0, slash) : rest;
      if (snapshotter) out.push(snapshotNode(snapshotter, ns, v));
    }
  }
  return out;
}

interface ContentRow { namespace: string; digest: string; labels: string }
interface SnapshotRow { snapshotter: string; namespace: string; key: string; name: string; parent: string | null; labels: string }
interface LeaseRow { namespace: string; id: string; labels: string; expires_at: number | null }
interface ResourceRow { namespace: string; lease: string; type: string; snapshotter: string; id: string }

export class GarbageCollector {
  constructor(private readonly s: StoreContext) {}

  /** The unreachable set, computed in one read transaction. */
  collect(options: { now?: Date } = {}): GcResult {
    return this.s.read(() => this.compute(options.now?.getTime() ?? Date.now()));
  }

  /**
   * collect() and, in the same write transaction, drop the unreachable content and snapshot
   * records and the expired leases, so nothing can gain a reference between mark and sweep.
   * Returns what was dropped: the caller deletes the blobs and directories it names.
   */
  sweep(options: { now?: Date } = {}): GcResult {
    return this.s.tx(() => {
      const r = this.compute(options.now?.getTime() ?? Date.now());
      // Unreachable snapshots go parents and children together: check the links at commit.
      this.s.stmt('PRAGMA defer_foreign_keys = ON').run();
      for (const { namespace, digest } of r.content) this.s.stmt('DELETE FROM content WHERE namespace = ? AND digest = ?').run(namespace, digest);
      for (const [snapshotter, list] of Object.entries(r.snapshots)) {
        for (const { namespace, key } of list) this.s.stmt('DELETE FROM snapshots WHERE snapshotter = ? AND namespace = ? AND key = ?').run(snapshotter, namespace, key);
      }
      for (const { namespace, id } of r.expiredLeases) this.s.stmt('DELETE FROM leases WHERE namespace = ? AND id = ?').run(namespace, id);
      return r;
    });
  }

  private compute(nowMs: number): GcResult {
    const contentRows = this.s.stmt('SELECT namespace, digest, labels FROM content').all() as ContentRow[];
    const snapRows = this.s.stmt('SELECT snapshotter, namespace, key, name, parent, labels FROM snapshots').all() as SnapshotRow[];
    const leaseRows = this.s.stmt('SELECT namespace, id, labels, expires_at FROM leases').all() as LeaseRow[];
    const resRows = this.s.stmt('SELECT namespace, lease, type, snapshotter, id FROM lease_resources').all() as ResourceRow[];

    // Edges out of each content and snapshot node.
    const edges = new Map<Node, Node[]>();
    const rootsFromLabels: Node[] = [];
    for (const c of contentRows) {
      const labels = parseLabels(c.labels);
      const n = contentNode(c.namespace, c.digest);
      edges.set(n, labelRefs(c.namespace, labels));
      if (GC_ROOT in labels) rootsFromLabels.push(n);
    }
    for (const s of snapRows) {
      const labels = parseLabels(s.labels);
      const n = snapshotNode(s.snapshotter, s.namespace, s.key);
      const out = labelRefs(s.namespace, labels);
      if (s.parent !== null) out.push(snapshotNode(s.snapshotter, s.namespace, s.parent));
      edges.set(n, out);
      if (GC_ROOT in labels) rootsFromLabels.push(n);
    }

    // A node reached only through a flat lease is marked but its references are not followed.
    const marked = new Set<Node>();
    const expanded = new Set<Node>();
    const queue: Node[] = [];
    const visit = (n: Node, follow: boolean) => {
      marked.add(n);
      if (follow && !expanded.has(n)) { expanded.add(n); queue.push(n); }
    };

    for (const n of rootsFromLabels) visit(n, true);
    for (const i of this.s.stmt('SELECT namespace, target_digest, labels FROM images').all() as { namespace: string; target_digest: string; labels: string }[]) {
      visit(contentNode(i.namespace, i.target_digest), true);
      for (const n of labelRefs(i.namespace, parseLabels(i.labels))) visit(n, true);
    }
    for (const c of this.s.stmt('SELECT namespace, snapshotter, snapshot_key, labels FROM containers').all() as { namespace: string; snapshotter: string; snapshot_key: string; labels: string }[]) {
      if (c.snapshotter && c.snapshot_key) visit(snapshotNode(c.snapshotter, c.namespace, c.snapshot_key), true);
      for (const n of labelRefs(c.namespace, parseLabels(c.labels))) visit(n, true);
    }
    const live = new Map<string, boolean>(); // lease → flat?
    const expiredLeases: GcResult['expiredLeases'] = [];
    for (const l of leaseRows) {
      if (l.expires_at !== null && l.expires_at <= nowMs) expiredLeases.push({ namespace: l.namespace, id: l.id });
      else live.set(`${l.namespace}\0${l.id}`, GC_FLAT in parseLabels(l.labels));
    }
    const leasedIngests: GcResult['leasedIngests'] = [];
    for (const r of resRows) {
      const flat = live.get(`${r.namespace}\0${r.lease}`);
      if (flat === undefined) continue;
      if (r.type === 'content') visit(contentNode(r.namespace, r.id), !flat);
      else if (r.type === 'snapshot') visit(snapshotNode(r.snapshotter, r.namespace, r.id), !flat);
      else leasedIngests.push({ namespace: r.namespace, ref: r.id });
    }

    for (let n = queue.pop(); n !== undefined; n = queue.pop()) {
      for (const m of edges.get(n) ?? []) visit(m, true);
    }

    const content = contentRows.filter((c) => !marked.has(contentNode(c.namespace, c.digest))).map((c) => ({ namespace: c.namespace, digest: c.digest }));
    const reachedDigests = new Set(contentRows.filter((c) => marked.has(contentNode(c.namespace, c.digest))).map((c) => c.digest));
    const blobs = [...new Set(content.map((c) => c.digest))].filter((d) => !reachedDigests.has(d)).sort();

    const snapshots: Record<string, SnapshotId[]> = {};
    const usedNames = new Set<string>();
    for (const s of snapRows) {
      if (marked.has(snapshotNode(s.snapshotter, s.namespace, s.key))) usedNames.add(`${s.snapshotter}\0${s.name}`);
      else (snapshots[s.snapshotter] ??= []).push({ namespace: s.namespace, key: s.key, name: s.name });
    }
    const snapshotNames: Record<string, string[]> = {};
    for (const [snapshotter, list] of Object.entries(snapshots)) {
      snapshotNames[snapshotter] = [...new Set(list.map((s) => s.name))].filter((n) => !usedNames.has(`${snapshotter}\0${n}`)).sort();
    }
    return { content, blobs, snapshots, snapshotNames, expiredLeases, leasedIngests };
  }
}

/** For callers building content labels: the child-reference label containerd writes. */
export function gcContentRefLabel(suffix: string): string {
  return `${REF_CONTENT}.${suffix}`;
}
