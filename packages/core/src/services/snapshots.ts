/** ctr's `snapshots` commands: one namespace's view of a snapshotter (snapshots/namespaced.ts). */
import { AlreadyExistsError, InvalidArgumentError, NotFoundError, SysError } from '../errors';
import { GC_ROOT, openMetadata } from '../metadata';
import { mountAll, openSnapshotter, unmount, type NamespacedSnapshotter, type SnapshotInfo, type SnapshotMount, type SnapshotUsage } from '../snapshots';
import { takeGcLock } from './gc-lock';
import { unpackImage } from './unpack-image';
import { rfc3339 } from '../util/time';

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
  return { [GC_ROOT]: rfc3339() };
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

export interface MountImageOptions extends SnapshotScope {
  ref: string;
  /** The directory to mount on; also the snapshot's key (as ctr does). */
  target: string;
  /** `os/arch[/variant]`; the host's by default. */
  platform?: string;
  /** A writable (active) snapshot instead of a read-only view. */
  rw?: boolean;
}

/**
 * `ctr images mount`: unpacks the image for the platform if needed, makes a view (or, with rw,
 * an active snapshot) keyed by the target path on its top layer and mounts it there. A snapshot
 * already keyed by the target is mounted again. ctr holds it with a lease named after the
 * target; berth marks the snapshot itself as a GC root (lease ids must be identifiers here), and
 * `unmountImage` with rm removes it. Returns the image's chain ID.
 */
export async function mountImage(o: MountImageOptions): Promise<{ chainID: string }> {
  const meta = openMetadata(o.root);
  let img;
  try {
    img = meta.images.find(o.namespace, o.ref);
  } finally {
    meta.close();
  }
  if (!img) throw new NotFoundError(`image "${o.ref}": not found in namespace ${o.namespace}`);
  const release = takeGcLock(o.root, false); // no GC between unpacking and holding the view
  let chainID: string;
  const sn = open(o);
  let mounts: SnapshotMount[];
  try {
    const u = await unpackImage({ root: o.root, namespace: o.namespace, target: img.target, snapshotter: o.snapshotter, ...(o.platform ? { platform: o.platform } : {}) });
    if (u.chainID === undefined) throw new InvalidArgumentError(`image "${o.ref}": has no layers to mount`);
    chainID = u.chainID;
    recordUnpackEdge(o, u.config.digest, u.snapshotLabel);
    try {
      mounts = o.rw ? await sn.prepare(o.target, chainID, rootLabel()) : await sn.view(o.target, chainID, rootLabel());
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
      mounts = sn.mounts(o.target);
    }
  } finally {
    release();
  }
  try {
    mountAll(mounts, o.target);
  } catch (err) {
    await sn.remove(o.target).catch(() => undefined);
    throw err;
  }
  return { chainID };
}

/** containerd's GC edge config → unpacked chain, if the pull that stored the image did not unpack it. */
function recordUnpackEdge(o: SnapshotScope, config: string, label: { key: string; value: string } | undefined): void {
  if (!label) return;
  const m = openMetadata(o.root);
  try {
    m.tx(() => {
      const c = m.content.find(o.namespace, config);
      if (c && c.labels[label.key] !== label.value) m.content.setLabels(o.namespace, config, { ...c.labels, [label.key]: label.value });
    });
  } finally {
    m.close();
  }
}

/**
 * `ctr images unmount`: unmounts everything stacked on target; with rm also removes the snapshot
 * keyed by the target (and a lease of that name, as ctr's mount makes one).
 */
export async function unmountImage(s: SnapshotScope, target: string, rm = false): Promise<void> {
  for (;;) {
    try {
      unmount(target);
    } catch (err) {
      // EINVAL: nothing (more) is mounted there.
      if (err instanceof SysError && err.errno === 'EINVAL') break;
      throw err;
    }
  }
  if (!rm) return;
  const m = openMetadata(s.root);
  try {
    if (m.leases.find(s.namespace, target)) m.leases.delete(s.namespace, target);
  } finally {
    m.close();
  }
  try {
    await open(s).remove(target);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
}
