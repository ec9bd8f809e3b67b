/**
 * ctr's `containers` commands without a daemon: a container is a metadata record (image, runtime,
 * spec, snapshot) plus, when made from an image, an active snapshot keyed by its id.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError, StateError } from '../errors';
import { layerDirs, rootfsReader, type RootfsReader } from '../containers/rootfs-files';
import { generateSpec } from '../containers/generate';
import { resolveImageConfig } from '../containers/image-config';
import { parseContainerFilters } from '../containers/filters';
import type { SpecOptions } from '../containers/spec-options';
import { taskDir } from '../layout';
import { openMetadata } from '../metadata';
import type { Container, ContainerRuntime, Labels } from '../metadata/types';
import { isIdentifier } from '../metadata/validate';
import { openSnapshotter } from '../snapshots';
import type { SnapshotMount } from '../snapshots/types';
import { takeGcLock } from './gc-lock';
import type { Spec } from '../oci/types';
import { CRI_NAMESPACE } from '../cri/sandbox-record';
import { discardParkedShim } from '../tasks/parked';
import { goTimeJson } from '../util/time';

/** The only runtime berth has: its runc clone driven by a per-container shim. */
export const DEFAULT_RUNTIME = 'io.containerd.runc.v2';
const STOP_SIGNAL_LABEL = 'io.containerd.image.config.stop-signal';

export interface CreateContainerOptions {
  root: string;
  namespace: string;
  id: string;
  /** Image name as stored (ctr does not normalise it); with `rootfs`, ignored. */
  ref: string;
  /** Replace the image's Entrypoint + Cmd. */
  args?: string[];
  snapshotter?: string;
  /** A root filesystem directory not managed by a snapshotter (ctr --rootfs). */
  rootfs?: string;
  labels?: Labels;
  specOptions?: SpecOptions;
  runtime?: string;
}

function defaultRuntime(name: string): ContainerRuntime {
  // ctr records runc's options type for runc.v2 even when no option is set.
  return name === DEFAULT_RUNTIME ? { name, options: { type_url: 'containerd.runc.v1.Options' } } : { name };
}

export async function createContainerFromImage(o: CreateContainerOptions): Promise<Container> {
  // Shared with pulls, exclusive with garbage collection: the new snapshot is referenced by no
  // container record until the end, and the image's layers must not go meanwhile.
  const release = takeGcLock(o.root, false);
  try {
    return await createLocked(o);
  } finally {
    release();
  }
}

async function createLocked(o: CreateContainerOptions): Promise<Container> {
  const meta = openMetadata(o.root);
  try {
    if (meta.containers.find(o.namespace, o.id)) throw new AlreadyExistsError(`container "${o.id}" in namespace "${o.namespace}": already exists`);
    const runtime = defaultRuntime(o.runtime ?? DEFAULT_RUNTIME);
    const specOptions: SpecOptions = { ...o.specOptions, args: o.args?.length ? o.args : o.specOptions?.args };

    if (o.rootfs !== undefined) {
      const dir = path.resolve(o.rootfs);
      if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new NotFoundError(`rootfs ${dir}: not a directory`);
      const spec = generateSpec({ namespace: o.namespace, id: o.id, readFile: rootfsReader([dir]), rootfsPath: dir }, specOptions);
      return meta.containers.create(o.namespace, { id: o.id, runtime, spec, labels: o.labels ?? {} });
    }

    const image = meta.images.find(o.namespace, o.ref);
    if (!image) throw new NotFoundError(`image "${o.ref}": not found`);
    const resolved = resolveImageConfig(o.root, image);
    const snName = o.snapshotter ?? 'overlayfs';
    const sn = openSnapshotter(o.root, snName, o.namespace);
    if (resolved.chainID !== undefined && !isCommitted(sn, resolved.chainID)) {
      throw new NotFoundError(`image "${o.ref}": not unpacked for snapshotter ${sn.name}: pull it again with --snapshotter ${sn.name} or use --snapshotter`);
    }
    // Outside the try: a failed prepare made nothing (it cleans up itself), and the snapshot
    // keyed by this id may then be another create's, which must not be removed here.
    const mounts = await prepareOwn(meta, sn, o, resolved.chainID);
    try {
      const read: RootfsReader = rootfsReader(layerDirs(mounts));
      const spec: Spec = generateSpec({ namespace: o.namespace, id: o.id, image: resolved.config, readFile: read }, specOptions);
      // Image config labels, then the image record's, then the caller's, then the stop signal (as ctr).
      const labels: Labels = { ...(resolved.config.Labels ?? {}), ...image.labels, ...(o.labels ?? {}) };
      labels[STOP_SIGNAL_LABEL] = resolved.config.StopSignal || 'SIGTERM';
      // create() checks the id again inside its transaction: a concurrent create of the same id loses there.
      return meta.containers.create(o.namespace, { id: o.id, image: image.name, runtime, spec, snapshotter: sn.name, snapshotKey: o.id, labels });
    } catch (err) {
      await sn.remove(o.id).catch(() => undefined); // ours: this call's prepare made it
      throw err;
    }
  } finally {
    meta.close();
  }
}

/**
 * The container's active snapshot. When its key is taken because a concurrent create of the
 * same id won the race, the error says so about the container, as the early check would have.
 */
async function prepareOwn(meta: ReturnType<typeof openMetadata>, sn: ReturnType<typeof openSnapshotter>, o: CreateContainerOptions, parent: string | undefined): Promise<SnapshotMount[]> {
  try {
    return await sn.prepare(o.id, parent);
  } catch (err) {
    if (err instanceof AlreadyExistsError && meta.containers.find(o.namespace, o.id)) throw new AlreadyExistsError(`container "${o.id}" in namespace "${o.namespace}": already exists`);
    throw err;
  }
}

function isCommitted(sn: ReturnType<typeof openSnapshotter>, key: string): boolean {
  try {
    return sn.stat(key).kind === 'committed';
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

/** Containers of the namespace matching any of the filters (containerd's syntax), by id. */
export function listContainers(root: string, namespace: string, filters: string[] = []): Container[] {
  const match = parseContainerFilters(filters);
  const meta = openMetadata(root);
  try {
    return meta.containers.list(namespace).filter(match);
  } finally {
    meta.close();
  }
}

/** ctr's `containers info` JSON (containerd's containers.Container as Go marshals it). */
export interface ContainerInfoJson {
  ID: string;
  Labels: Labels | null;
  Image: string;
  Runtime: { Name: string; Options: unknown };
  SnapshotKey: string;
  Snapshotter: string;
  CreatedAt: string;
  UpdatedAt: string;
  Extensions: Record<string, unknown> | null;
  Spec: unknown;
}

/**
 * The signal that stops the container: its image's StopSignal (the label containerd records at
 * create), else SIGTERM, as containerd's GetStopSignal.
 */
export function containerStopSignal(root: string, namespace: string, id: string): string {
  const meta = openMetadata(root);
  try {
    return meta.containers.get(namespace, id).labels[STOP_SIGNAL_LABEL] || 'SIGTERM';
  } finally {
    meta.close();
  }
}

export function containerInfo(root: string, namespace: string, id: string): ContainerInfoJson {
  const meta = openMetadata(root);
  let c: Container;
  try {
    c = meta.containers.get(namespace, id);
  } finally {
    meta.close();
  }
  return {
    ID: c.id,
    // Go marshals maps with sorted keys.
    Labels: Object.keys(c.labels).length ? Object.fromEntries(Object.keys(c.labels).sort().map((k) => [k, c.labels[k] as string])) : null,
    Image: c.image,
    Runtime: { Name: c.runtime.name, Options: c.runtime.options ?? null },
    SnapshotKey: c.snapshotKey,
    Snapshotter: c.snapshotter,
    CreatedAt: goTimeJson(c.createdAt.toISOString()),
    UpdatedAt: goTimeJson(c.updatedAt.toISOString()),
    Extensions: Object.keys(c.extensions).length ? c.extensions : null,
    Spec: c.spec,
  };
}

export interface RemoveResult {
  removed: string[];
  /** One per id that failed; the others were still tried. */
  errors: Error[];
  /** The same failures with the id each was for. */
  failed: { id: string; error: Error }[];
}

/**
 * Deletes the records and (unless kept) their snapshots. A container's stopped task is deleted
 * with it; a running, paused or unknown one is refused.
 */
export async function removeContainers(root: string, state: string, namespace: string, ids: string[], opts: { keepSnapshot?: boolean } = {}): Promise<RemoveResult> {
  const out: RemoveResult = { removed: [], errors: [], failed: [] };
  for (const id of ids) {
    try {
      // As ctr (containers.go): a stopped or created task is deleted first, a live one refused.
      // An id that is no identifier names no container (and must not become a task path).
      if (isIdentifier(id) && fs.existsSync(taskDir(state, namespace, id))) {
        const { deleteTask } = require('../tasks/ops') as typeof import('../tasks/ops');
        const { taskInfo } = require('../tasks/records') as typeof import('../tasks/records');
        const t = taskInfo(state, namespace, id);
        if (t.status !== 'STOPPED' && t.status !== 'CREATED') {
          // Go's %v of containerd.Status{Status, ExitStatus, ExitTime} for a live task.
          throw new StateError(`cannot delete a non stopped container: {${t.status.toLowerCase()} 0 0001-01-01 00:00:00 +0000 UTC}`);
        }
        deleteTask(state, namespace, id, t.status === 'CREATED');
      }
      const meta = openMetadata(root);
      let c: Container;
      try {
        c = meta.containers.get(namespace, id);
        meta.containers.delete(namespace, id);
      } finally {
        meta.close();
      }
      // A CRI container created and never started has a shim parked for its task (tasks/parked.ts).
      if (namespace === CRI_NAMESPACE) await discardParkedShim(state, id);
      if (!opts.keepSnapshot && c.snapshotter && c.snapshotKey) {
        try {
          await openSnapshotter(root, c.snapshotter, namespace).remove(c.snapshotKey);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
        }
      }
      out.removed.push(id);
    } catch (err) {
      out.errors.push(err as Error);
      out.failed.push({ id, error: err as Error });
    }
  }
  return out;
}

/** Sets (KEY=VALUE) and clears (KEY=) labels; returns the container's labels after. */
export function labelContainer(root: string, namespace: string, id: string, changes: Labels): Labels {
  const meta = openMetadata(root);
  try {
    return meta.tx(() => {
      const c = meta.containers.get(namespace, id);
      const labels: Labels = { ...c.labels };
      for (const [k, v] of Object.entries(changes)) {
        if (k === '') throw new InvalidArgumentError(`container "${id}": a label needs a key`);
        if (v === '') delete labels[k];
        else labels[k] = v;
      }
      return meta.containers.update(namespace, id, { labels }).labels;
    });
  } finally {
    meta.close();
  }
}
