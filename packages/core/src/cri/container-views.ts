/**
 * CRI containers as ListContainers and ContainerStatus show them: each record with its live state
 * (from its task). Apart from containers.ts so that a listing (crictl's ps, its fast path) loads
 * the store and the task records, not what creating and removing containers needs.
 */
import * as fs from 'node:fs';
import { NotFoundError } from '../errors';
import { taskDir } from '../layout';
import { withMetadata } from '../metadata/store';
import { exitedFields, listCriContainers, resolveCriContainer, type CriContainer } from './container-record';
import { CRI_NAMESPACE } from './sandbox-record';
import type { StoreDirs } from './sandbox-list';

export type CriContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

/** A container with its live state (from its task, when it has one). */
export interface CriContainerView extends CriContainer {
  state: CriContainerState;
  pid: number;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  reason: string;
  message: string;
}

/**
 * The live state. An exit recorded in the status (the shim records it before it deletes the
 * task) is final; otherwise the task says: running, exited with its exit record, or unknown when
 * its shim died without one. A task whose init has ended but whose shim has not yet written the
 * exit still counts as running, as containerd shows it until the exit event is handled.
 */
export function viewContainer(dirs: StoreDirs, c: CriContainer): CriContainerView {
  const s = c.status;
  const v: CriContainerView = { ...c, state: 'CONTAINER_CREATED', pid: 0, startedAt: s.startedAt, finishedAt: s.finishedAt, exitCode: s.exitCode, reason: s.reason, message: s.message };
  if (s.finishedAt !== '0') return { ...v, state: 'CONTAINER_EXITED' };
  const { taskInfo } = require('../tasks/records') as typeof import('../tasks/records');
  let t;
  try {
    t = fs.existsSync(taskDir(dirs.state, CRI_NAMESPACE, c.id)) ? taskInfo(dirs.state, CRI_NAMESPACE, c.id) : undefined;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  if (!t) {
    // Started, yet no task and no recorded exit: its task was deleted behind crictl's back.
    if (s.startedAt !== '0') return { ...v, state: 'CONTAINER_EXITED', reason: 'Unknown', message: 'the task is gone without a recorded exit' };
    return v;
  }
  if (t.status === 'STOPPED' && t.exit) {
    return { ...v, state: 'CONTAINER_EXITED', ...exitedFields(t.exit) };
  }
  if (t.status === 'RUNNING' || t.status === 'PAUSED' || t.status === 'STOPPED') return { ...v, state: 'CONTAINER_RUNNING', pid: t.pid };
  if (t.status === 'UNKNOWN') return { ...v, state: 'CONTAINER_UNKNOWN', pid: t.pid, message: t.reason ?? '' };
  return v;
}

export function listContainerViews(dirs: StoreDirs): CriContainerView[] {
  return readCriContainers(dirs.root).map((c) => viewContainer(dirs, c));
}

/** The pod's containers only: the others' task state is not read (stopp/rmp of many pods). */
export function listPodContainerViews(dirs: StoreDirs, podId: string): CriContainerView[] {
  return readCriContainers(dirs.root).filter((c) => c.sandboxId === podId).map((c) => viewContainer(dirs, c));
}

/** The CRI containers in the store under `root`, opened for this and closed (as readSandboxes). */
function readCriContainers(root: string): CriContainer[] {
  return withMetadata(root, listCriContainers);
}

export function criContainerView(dirs: StoreDirs, idOrPrefix: string): CriContainerView {
  return withMetadata(dirs.root, (store) => viewContainer(dirs, resolveCriContainer(store, idOrPrefix)));
}
