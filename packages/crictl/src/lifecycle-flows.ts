/**
 * What crictl's pod-cycle commands (`runp`, `create`, `start`, `stopp`, `rmp`) do once their
 * command line is understood, free of the CLI framework: the oclif commands and the fast path
 * (src/fast.ts) share it. `fail` is crictl's way out (one logrus fatal line,
 * exit status 1).
 */
import { log } from './output';
import { rpcMessage } from '@berth/core/dist/cri/rpc-error';
import { writeStdout } from '@berth/core/dist/cli/write-out';

export type Fail = (message: string) => never;
export interface StoreDirs { root: string; state: string }

export interface RunPodRequest {
  configFile: string;
  runtime?: string;
  cniConfDir?: string;
  /** Colon-separated, as --cni-bin-dir takes them. */
  cniBinDir?: string;
  berthConfig?: string;
  /** --cancel-timeout, a Go duration (0: none). */
  cancelTimeout?: string;
}

export async function runPod(dirs: StoreDirs, r: RunPodRequest, fail: Fail): Promise<void> {
  const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
  const { cniIpamDataDir } = require('@berth/core/dist/layout') as typeof import('@berth/core/dist/layout');
  const { openMetadata } = require('@berth/core/dist/metadata/store') as typeof import('@berth/core/dist/metadata/store');
  const cri = require('@berth/core/dist/cri/sandbox') as typeof import('@berth/core/dist/cri/sandbox');
  const { loadPodSandboxConfig } = require('@berth/core/dist/cri/pod-config') as typeof import('@berth/core/dist/cri/pod-config');
  const cfg = loadConfig(r.berthConfig);
  let config;
  try {
    config = loadPodSandboxConfig(r.configFile);
  } catch (err) {
    fail(`load podSandboxConfig: ${(err as Error).message}`);
  }
  const { cancelTimeout, cancellation } = require('./cancel') as typeof import('./cancel');
  const cancel = cancellation(cancelTimeout(r.cancelTimeout, fail));
  const store = openMetadata(dirs.root);
  try {
    const id = await cri.runPodSandbox(store, {
      ...dirs, config, runtimeHandler: r.runtime,
      cniConfDir: r.cniConfDir ?? cfg.cniConfDir, installDefaultNetwork: r.cniConfDir === undefined,
      cniBinDirs: (r.cniBinDir ?? cfg.cniBinDir).split(':').filter(Boolean),
      ipamDataDir: cniIpamDataDir(dirs.state), signal: cancel.signal,
    });
    writeStdout(`${id}\n`);
  } catch (err) {
    fail(`run pod sandbox: ${rpcMessage(err)}`);
  } finally {
    cancel.release();
    store.close();
  }
}

export interface CreateRequest {
  pod: string;
  containerConfig: string;
  podConfig: string;
  /** Pull the image first (the settings' pull-image-on-create, --with-pull, --no-pull decided). */
  pull: boolean;
  creds?: string;
  auth?: string;
  berthConfig?: string;
}

export async function createContainer(dirs: StoreDirs, r: CreateRequest, fail: Fail): Promise<void> {
  const { createInPod } = require('@berth/core/dist/cri/container-create') as typeof import('@berth/core/dist/cri/container-create');
  const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
  const cfg = loadConfig(r.berthConfig);
  try {
    const id = await createInPod({
      ...dirs, podId: r.pod, containerConfigFile: r.containerConfig, podConfigFile: r.podConfig,
      pull: r.pull ? { creds: r.creds, auth: r.auth, snapshotter: cfg.snapshotter, hostsDir: cfg.registryConfigPath } : undefined,
      snapshotter: cfg.snapshotter,
    });
    writeStdout(`${id}\n`);
  } catch (err) {
    fail(`creating container: ${rpcMessage(err)}`);
  }
}

export async function startContainers(dirs: StoreDirs, ids: string[], fail: Fail): Promise<void> {
  const { startCriContainer } = require('@berth/core/dist/cri/container-run') as typeof import('@berth/core/dist/cri/container-run');
  for (const id of ids) {
    try {
      await startCriContainer(dirs, id);
    } catch (err) {
      fail(`starting the container ${JSON.stringify(id)}: ${rpcMessage(err)}`);
    }
    writeStdout(`${id}\n`);
  }
}

export async function stopPods(dirs: StoreDirs, ids: string[], fail: Fail): Promise<void> {
  const { openMetadata } = require('@berth/core/dist/metadata/store') as typeof import('@berth/core/dist/metadata/store');
  const { stopPodSandbox } = require('@berth/core/dist/cri/sandbox') as typeof import('@berth/core/dist/cri/sandbox');
  const store = openMetadata(dirs.root);
  try {
    for (const id of ids) {
      try {
        await stopPodSandbox(store, dirs, id);
      } catch (err) {
        fail(`stopping the pod sandbox ${JSON.stringify(id)}: ${rpcMessage(err)}`);
      }
      // crictl prints the id it was given, not the resolved one.
      writeStdout(`Stopped sandbox ${id}\n`);
    }
  } finally {
    store.close();
  }
}

export async function removePods(dirs: StoreDirs, given: string[], opts: { force: boolean; all: boolean }, fail: Fail): Promise<void> {
  const { openMetadata } = require('@berth/core/dist/metadata/store') as typeof import('@berth/core/dist/metadata/store');
  const cri = require('@berth/core/dist/cri/sandbox') as typeof import('@berth/core/dist/cri/sandbox');
  const { removePod } = require('@berth/core/dist/cri/pod-remove') as typeof import('@berth/core/dist/cri/pod-remove');
  const store = openMetadata(dirs.root);
  try {
    const ids = opts.all ? cri.listSandboxes(store).map((s) => s.id) : given;
    if (ids.length === 0) {
      if (opts.all) {
        log('info', 'No pods to remove');
        return;
      }
      fail('rmp needs at least one POD-ID (or -a)');
    }
    // crictl removes them side by side (goroutines, at most 10 at once in its newest) and reports
    // every failure in its words: the status lookup's, a ready pod's refusal, or the removal's;
    // aggregated as Kubernetes' error lists print ("[a, b]" for more than one). Here 10 at once
    // too (their CNI DELs' waits overlap), one pod named twice (an id and its prefix) in turn, as
    // a server serialises them; the lines come in the order the ids were given.
    const { NotFoundError, StateError } = require('@berth/core/dist/errors') as typeof import('@berth/core/dist/errors');
    const { limited } = require('@berth/core/dist/util/limited') as typeof import('@berth/core/dist/util/limited');
    const outcome: Array<{ lines: string } | { error: string }> = [];
    const removeOne = async (k: number): Promise<void> => {
      const id = ids[k] as string;
      try {
        const r = await removePod(store, dirs, id, opts.force);
        // cri-tools' rmp -f stops a ready pod through its StopPodSandbox, which prints too.
        outcome[k] = { lines: `${r.stopped ? `Stopped sandbox ${id}\n` : ''}Removed sandbox ${id}\n` };
      } catch (err) {
        outcome[k] = {
          error: err instanceof NotFoundError ? `getting sandbox status of pod ${JSON.stringify(id)}: ${rpcMessage(err)}`
            : err instanceof StateError && /is running, please stop it first/.test(err.message) ? `pod sandbox ${JSON.stringify(id)} is running, please stop it first`
              : `removing the pod sandbox ${JSON.stringify(id)}: ${rpcMessage(err)}`,
        };
      }
    };
    const byPod = new Map<string, number[]>();
    ids.forEach((id, k) => {
      let key: string;
      try {
        key = cri.resolveSandbox(store, id).id;
      } catch {
        key = `given ${k}`; // unknown or ambiguous: its removal reports it
      }
      byPod.set(key, [...(byPod.get(key) ?? []), k]);
    });
    await limited([...byPod.values()], 10, async (ks) => {
      for (const k of ks) await removeOne(k);
    });
    const errors: string[] = [];
    for (const o of outcome) {
      if ('lines' in o) writeStdout(o.lines);
      else errors.push(o.error);
    }
    if (errors.length > 0) fail(`unable to remove sandbox(es): ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`);
  } finally {
    store.close();
  }
}
