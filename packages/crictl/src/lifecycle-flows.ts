/**
 * What `crictl start`, `stopp` and `rmp` do once their command line is understood, free of the
 * CLI framework: the oclif commands and the fast path (src/fast.ts) share it. `fail` is crictl's
 * way out (one logrus fatal line, exit status 1).
 */
import { log } from './output';

export type Fail = (message: string) => never;
export interface StoreDirs { root: string; state: string }

export async function startContainers(dirs: StoreDirs, ids: string[], fail: Fail): Promise<void> {
  const { startCriContainer } = require('@berth/core/dist/cri/container-run') as typeof import('@berth/core/dist/cri/container-run');
  for (const id of ids) {
    try {
      await startCriContainer(dirs, id);
    } catch (err) {
      fail(`starting the container ${JSON.stringify(id)}: ${(err as Error).message}`);
    }
    process.stdout.write(`${id}\n`);
  }
}

export function stopPods(dirs: StoreDirs, ids: string[], fail: Fail): void {
  const { openMetadata } = require('@berth/core/dist/metadata/store') as typeof import('@berth/core/dist/metadata/store');
  const { stopPodSandbox } = require('@berth/core/dist/cri/sandbox') as typeof import('@berth/core/dist/cri/sandbox');
  const store = openMetadata(dirs.root);
  try {
    for (const id of ids) {
      try {
        stopPodSandbox(store, dirs, id);
      } catch (err) {
        fail(`stopping the pod sandbox ${JSON.stringify(id)}: ${(err as Error).message}`);
      }
      // crictl prints the id it was given, not the resolved one.
      process.stdout.write(`Stopped sandbox ${id}\n`);
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
    // crictl removes them concurrently and reports every failure; here one after the other.
    const errors: string[] = [];
    for (const id of ids) {
      try {
        await removePod(store, dirs, id, opts.force);
        process.stdout.write(`Removed sandbox ${id}\n`);
      } catch (err) {
        errors.push(`removing the pod sandbox ${JSON.stringify(id)}: ${(err as Error).message}`);
      }
    }
    if (errors.length > 0) fail(errors.join(', '));
  } finally {
    store.close();
  }
}
