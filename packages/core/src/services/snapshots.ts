/** ctr's `snapshots` commands: one namespace's view of a snapshotter (snapshots/namespaced.ts). */
import { InvalidArgumentError } from '../errors';
import { openSnapshotter, type NamespacedSnapshotter, type SnapshotInfo, type SnapshotMount, type SnapshotUsage } from '../snapshots';
import { GC_ROOT } from '../metadata';

export interface SnapshotScope {
  root: string;
  namespace: string;
  snapshotter: string;
}

function open(s: SnapshotScope): NamespacedSnapshotter {
  return openSnapshotter(s.root, s.snapshotter, s.namespace) as NamespacedSnapshotter;
}

/** ctr marks what a user makes by hand as a GC root (the time, RFC 3339), so GC leaves it. */
function rootLabel(): Record<string, string> {
  return { [GC_ROOT]: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
}

export function listSnapshots(s: SnapshotScope): SnapshotInfo[] {
  return open(s).walk().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** An active snapshot (writable) on a committed parent, or none; its mounts. */
export function prepareSnapshot(s: SnapshotScope, key: string, parent?: string): Promise<SnapshotMount[]> {
  return open(s).prepare(key, parent || undefined, rootLabel());
}

/** A read-only view of a committed parent; its mounts. */
export function viewSnapshot(s: SnapshotScope, key: string, parent?: string): Promise<SnapshotMount[]> {
  return open(s).view(key, parent || undefined);
}

export function snapshotMounts(s: SnapshotScope, key: string): SnapshotMount[] {
  return open(s).mounts(key);
}

export function commitSnapshot(s: SnapshotScope, name: string, key: string): Promise<void> {
  return open(s).commit(name, key, rootLabel());
}

/** Removes in argument order and stops at the first failure, as ctr does; returns the keys removed. */
export async function removeSnapshots(s: SnapshotScope, keys: string[]): Promise<string[]> {
  const sn = open(s);
  const done: string[] = [];
  for (const k of keys) {
    try {
      await sn.remove(k);
    } catch (err) {
      throw Object.assign(err as Error, { message: `failed to remove "${k}": ${(err as Error).message}` });
    }
    done.push(k);
  }
  return done;
}

export function snapshotInfo(s: SnapshotScope, key: string): SnapshotInfo {
  return open(s).stat(key);
}

/** Sets labels (an empty value removes the label); with none given, only reads them. */
export function labelSnapshot(s: SnapshotScope, key: string, labels: Record<string, string>): Record<string, string> {
  const sn = open(s);
  const cur = sn.stat(key);
  if (Object.keys(labels).length === 0) return cur.labels;
  const next = { ...cur.labels };
  for (const [k, v] of Object.entries(labels)) {
    if (!k) throw new InvalidArgumentError(`snapshot ${key}: a label key is empty`);
    if (v === '') delete next[k]; else next[k] = v;
  }
  return sn.setLabels(key, next).labels;
}

/** Usage of the named snapshots, or of all of them (in key order). */
export function snapshotUsage(s: SnapshotScope, keys: string[] = []): { key: string; usage: SnapshotUsage }[] {
  const sn = open(s);
  const ks = keys.length > 0 ? keys : sn.walk().map((i) => i.name).sort();
  return ks.map((k) => ({ key: k, usage: sn.usage(k) }));
}

/** A snapshot and its children, for `snapshots tree`. */
export interface SnapshotTreeNode {
  name: string;
  children: SnapshotTreeNode[];
}

/**
 * The snapshots as a forest: roots are those with no parent, and a parent that is not listed
 * gets a placeholder node (ctr does the same).
 */
export function snapshotTree(s: SnapshotScope): SnapshotTreeNode[] {
  const infos = listSnapshots(s);
  const nodes = new Map<string, SnapshotTreeNode & { parent?: string }>();
  const order: string[] = [];
  const node = (name: string): SnapshotTreeNode & { parent?: string } => {
    let n = nodes.get(name);
    if (!n) {
      n = { name, children: [] };
      nodes.set(name, n);
      order.push(name);
    }
    return n;
  };
  for (const i of infos) {
    const n = node(i.name);
    if (i.parent !== undefined) {
      n.parent = i.parent;
      node(i.parent).children.push(n);
    }
  }
  return order.map((k) => nodes.get(k) as SnapshotTreeNode & { parent?: string }).filter((n) => n.parent === undefined)
    .map(({ name, children }) => ({ name, children }));
}
