/**
 * CRI containers inside pod sandboxes: CreateContainer, ListContainers, ContainerStatus and
 * RemoveContainer over berth's store. A container is a k8s.io container record (see
 * container-record.ts) with an active snapshot of its image keyed by its id, and, once started,
 * a task under the shim (cri/container-run.ts).
 */
import { randomHex } from '../util/random';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NotFoundError, StateError } from '../errors';
import { layerDirs, rootfsReader } from '../containers/rootfs-files';
import { resolveImageConfig } from '../containers/image-config';
import { taskDir } from '../layout';
import { openMetadata } from '../metadata';
import { openSnapshotter } from '../snapshots';
import { takeGcLock } from '../services/gc-lock';
import { discardParkedShim, parkShim } from '../tasks/parked';
import { trace } from '../util/trace';
import { lockCriContainer, removeCriContainerLock } from './container-lock';
import type { ContainerConfig } from './container-config';
import {
  criContainerName, fromContainerRecord, listCriContainers, resolveCriContainer, toContainerExtensions, type CriContainer, type CriContainerStatusRecord,
} from './container-record';
import { containerSpec } from './container-spec';
import { findCriImage, listCriImages } from './images';
import { CRI_NAMESPACE, KIND_LABEL, RUNTIME_TYPE } from './sandbox-record';
import { resolveSandbox, type StoreDirs } from './sandbox';

export interface CreateCriContainerOptions extends StoreDirs {
  podId: string;
  config: ContainerConfig;
  snapshotter?: string;
  /** Spawn the shim of the container's task now, parked until its start (tasks/parked.ts): `crictl create`. */
  park?: boolean;
}

function nowNs(): string {
  return (BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)).toString();
}

/** CRI CreateContainer: returns the new container's id. */
export async function createCriContainer(o: CreateCriContainerOptions): Promise<string> {
  const release = takeGcLock(o.root, false);
  const store = openMetadata(o.root);
  try {
    const sb = resolveSandbox(store, o.podId);
    if (sb.state !== 'SANDBOX_READY') throw new StateError(`pod sandbox "${sb.id}" is not ready (stopped): containers can only be created in a ready pod`);
    const c = o.config;
    const image = findCriImage(listCriImages(o.root), c.image.image);
    if (!image) throw new NotFoundError(`failed to resolve image "${c.image.image}": not found (pull it first, or set pull-image-on-create in crictl.yaml)`);
    const record = store.images.find(CRI_NAMESPACE, image.references[0] ?? image.id) ?? store.images.list(CRI_NAMESPACE).find((i) => image.references.includes(i.name));
    if (!record) throw new NotFoundError(`image "${c.image.image}": no image record in namespace ${CRI_NAMESPACE}`);
    const resolved = resolveImageConfig(o.root, record);
    trace('create: image resolved');
    const id = randomHex(32);
    const pm = sb.config.metadata;
    const name = criContainerName(c, pm);
    const taken = listCriContainers(store).find((x) => x.name === name);
    if (taken) throw new StateError(`failed to reserve container name "${name}": name "${name}" is reserved for "${taken.id}"`);
    const sn = openSnapshotter(o.root, o.snapshotter ?? 'overlayfs', CRI_NAMESPACE);
    const mounts = await sn.prepare(id, resolved.chainID);
    trace('create: snapshot prepared');
    try {
      const spec = containerSpec({ id, config: c, sandbox: sb, image: resolved.config, imageName: c.image.image, readFile: rootfsReader(layerDirs(mounts)) });
      trace('create: spec');
      const logPath = sb.config.logDirectory !== '' && c.logPath !== '' ? path.join(sb.config.logDirectory, c.logPath) : '';
      const status: CriContainerStatusRecord = { createdAt: nowNs(), startedAt: '0', finishedAt: '0', exitCode: 0, reason: '', message: '', removing: false };
      const cri: Omit<CriContainer, 'record'> = {
        id, name, sandboxId: sb.id, config: c, imageRef: image.id, imageName: record.name, logPath, stopSignal: resolved.config.StopSignal ?? '', status,
      };
      // Config labels win over the image's (containerd's buildLabels), then the kind.
      const labels = { ...(resolved.config.Labels ?? {}), ...c.labels, [KIND_LABEL]: 'container' };
      store.tx(() => {
        const again = listCriContainers(store).find((x) => x.name === name);
        if (again) throw new StateError(`failed to reserve container name "${name}": name "${name}" is reserved for "${again.id}"`);
        store.containers.create(CRI_NAMESPACE, {
          id, image: record.name, runtime: { name: RUNTIME_TYPE, options: { type_url: 'containerd.runc.v1.Options' } }, spec,
          snapshotter: sn.name, snapshotKey: id, labels, extensions: toContainerExtensions(cri),
        });
      });
      if (o.park) parkShim(o.state, id, spec);
      return id;
    } catch (err) {
      await sn.remove(id).catch(() => undefined);
      throw err;
    }
  } finally {
    store.close();
    release();
  }
}

export { criContainerView, listContainerViews, listPodContainerViews, viewContainer, type CriContainerState, type CriContainerView } from './container-views';
import { criContainerView, type CriContainerView } from './container-views';

/**
 * CRI RemoveContainer: a running container is refused unless `force` (crictl rm -f stops it
 * first, with no grace); its task, record and snapshot go. Its log stays, as with containerd:
 * crictl's `rm` removes it (unless --keep-logs), the kubelet does otherwise. Returns the
 * container's full id and its log's path ('' without one).
 */
export async function removeCriContainer(dirs: StoreDirs, idOrPrefix: string, force: boolean): Promise<{ id: string; logPath: string }> {
  // Alone with the container (a start under way finishes first), then its state as it is now.
  const store = openMetadata(dirs.root);
  let id: string;
  try {
    id = resolveCriContainer(store, idOrPrefix).id;
  } finally {
    store.close();
  }
  const release = lockCriContainer(dirs.state, id);
  try {
    const v = criContainerView(dirs, id);
    await removeLocked(dirs, v, force);
    removeCriContainerLock(dirs.state, id);
    return { id, logPath: v.logPath };
  } finally {
    release();
  }
}

async function removeLocked(dirs: StoreDirs, v: CriContainerView, force: boolean): Promise<void> {
  // crictl refuses a running container only; an unknown one (its shim dead) is stopped by the
  // removal, as containerd's RemoveContainer does.
  if (v.state === 'CONTAINER_RUNNING' && !force) throw new StateError(`container "${v.id}" is running, please stop it first`);
  // Never started: the shim parked for its task goes first (tasks/parked.ts).
  await discardParkedShim(dirs.state, v.id);
  if (fs.existsSync(taskDir(dirs.state, CRI_NAMESPACE, v.id))) {
    const { deleteTask } = require('../tasks/ops') as typeof import('../tasks/ops');
    deleteTask(dirs.state, CRI_NAMESPACE, v.id, true);
  }
  const store = openMetadata(dirs.root);
  try {
    store.containers.delete(CRI_NAMESPACE, v.id);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  } finally {
    store.close();
  }
  try {
    await openSnapshotter(dirs.root, v.record.snapshotter || 'overlayfs', CRI_NAMESPACE).remove(v.record.snapshotKey || v.id);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
}

export { fromContainerRecord };
