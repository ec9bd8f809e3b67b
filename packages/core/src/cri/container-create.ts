/**
 * crictl create's whole request: the container and pod configs read from their files, the
 * image pulled first when asked (pull-image-on-create, --with-pull), then CreateContainer.
 */
import { InvalidArgumentError } from '../errors';
import { openMetadata } from '../metadata';
import { loadContainerConfig } from './container-config';
import { startCriContainer } from './container-run';
import { createCriContainer, removeCriContainer } from './containers';
import { criPullImage } from './images';
import { loadPodSandboxConfig } from './pod-config';
import { removePodSandbox, runPodSandbox, type RunPodOptions, type StoreDirs } from './sandbox';

export interface PullOnCreate {
  /** USERNAME[:PASSWORD] */
  creds?: string;
  /** base64 of USERNAME:PASSWORD */
  auth?: string;
  snapshotter?: string;
  hostsDir?: string;
}

export interface CreateInPodOptions extends StoreDirs {
  podId: string;
  containerConfigFile: string;
  podConfigFile: string;
  pull?: PullOnCreate;
  snapshotter?: string;
}

function credsAuth(p: PullOnCreate): { username?: string; password?: string; auth?: string } | undefined {
  if (p.creds !== undefined && p.auth !== undefined) throw new InvalidArgumentError('both `--creds` and `--auth` are specified');
  if (p.creds !== undefined) {
    const i = p.creds.indexOf(':');
    return i < 0 ? { username: p.creds, password: '' } : { username: p.creds.slice(0, i), password: p.creds.slice(i + 1) };
  }
  return p.auth !== undefined ? { auth: p.auth } : undefined;
}

export async function createInPod(o: CreateInPodOptions): Promise<string> {
  const config = loadContainerConfig(o.containerConfigFile);
  // crictl sends the pod config along; berth uses the one recorded at runp, but it must load.
  loadPodSandboxConfig(o.podConfigFile);
  if (o.pull) {
    await criPullImage({ root: o.root, image: config.image.image, auth: credsAuth(o.pull), snapshotter: o.pull.snapshotter, hostsDir: o.pull.hostsDir });
  }
  return createCriContainer({ root: o.root, state: o.state, podId: o.podId, config, snapshotter: o.snapshotter, park: true });
}

export interface RunInNewPodOptions extends Omit<RunPodOptions, 'config' | 'signal'> {
  /**
   * Made just before the pod is run and released once it is (crictl's SIGINT/SIGTERM and
   * --cancel-timeout): its signal gives the pod up, as runPodSandbox's; a pull before or the
   * container's create and start after are not watched.
   */
  podCancellation?: () => { signal: AbortSignal; release(): void };
  containerConfigFile: string;
  podConfigFile: string;
  pull?: PullOnCreate;
  snapshotter?: string;
}

/**
 * crictl run: runp, create, start. A failure after runp removes what was made (the pod with
 * its container), so a failed run leaves nothing behind.
 */
export async function runInNewPod(o: RunInNewPodOptions): Promise<{ podId: string; containerId: string }> {
  const podConfig = loadPodSandboxConfig(o.podConfigFile);
  const config = loadContainerConfig(o.containerConfigFile);
  if (o.pull) {
    await criPullImage({ root: o.root, image: config.image.image, auth: credsAuth(o.pull), snapshotter: o.pull.snapshotter, hostsDir: o.pull.hostsDir });
  }
  const dirs = { root: o.root, state: o.state };
  const store = openMetadata(o.root);
  let podId: string;
  const cancel = o.podCancellation?.();
  try {
    podId = await runPodSandbox(store, { ...o, config: podConfig, signal: cancel?.signal });
  } finally {
    cancel?.release();
    store.close();
  }
  let containerId: string | undefined;
  try {
    containerId = await createCriContainer({ ...dirs, podId, config, snapshotter: o.snapshotter });
    await startCriContainer(dirs, containerId);
    return { podId, containerId };
  } catch (err) {
    try {
      if (containerId !== undefined) await removeCriContainer(dirs, containerId, true);
      const s = openMetadata(o.root);
      try { await removePodSandbox(s, dirs, podId, true); } finally { s.close(); }
    } catch { /* the first error is the one to report */ }
    throw err;
  }
}
