/**
 * Every on-disk path berth uses, in one place. The layout mirrors runc's and containerd's so
 * that their users' habits carry over (see the README's "On-disk state").
 */
import * as path from 'node:path';

/** Default `--root` of the runc clone (runc's is /run/runc). */
export const RUNC_DEFAULT_ROOT = '/run/berth/runc';
/** Default `--root` of ctr and crictl: persistent state. */
export const DEFAULT_ROOT = '/var/lib/berth';
/** Default `--state` of ctr and crictl: ephemeral state. */
export const DEFAULT_STATE = '/run/berth';

/** Paths of one container's runtime state under a runc root. */
export interface ContainerPaths {
  dir: string;
  state: string;
  execFifo: string;
  lock: string;
  /** Written while `create` runs: the creator's pid and start time (to spot a create that died). */
  creating: string;
}

export function containerPaths(root: string, id: string): ContainerPaths {
  const dir = path.join(root, id);
  return {
    dir,
    state: path.join(dir, 'state.json'),
    execFifo: path.join(dir, 'exec.fifo'),
    lock: path.join(dir, '.lock'),
    creating: path.join(dir, '.creating'),
  };
}

/** The runtime root that ctr/crictl use for a namespace, as containerd uses /run/containerd/runc/<ns>. */
export function runtimeRootForNamespace(state: string, namespace: string): string {
  return path.join(state, 'runc', namespace);
}

/** The init stage's entry point (dist/init.js: its bundle, or the tsc output without one). */
export function initStageScript(): string {
  return path.join(__dirname, 'init.js');
}
