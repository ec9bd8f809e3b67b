/**
 * containerd's CRI plugin on a TaskExit event: the exit code, the time and the reason go into the
 * container's CRI status. Called by the container's shim (shim-cri-log.ts), once the output is
 * all in the log.
 */
import { NotFoundError } from '../errors';
import { openMetadata } from '../metadata';
import type { ExitInfo } from '../tasks/types';
import { exitedFields, resolveCriContainer, saveStatus } from './container-record';

/** True when the exit is recorded, or there is no container left to record it in. */
export function recordCriExit(root: string, id: string, exit: ExitInfo): boolean {
  try {
    const m = openMetadata(root);
    try {
      m.tx(() => {
        const c = resolveCriContainer(m, id);
        saveStatus(m, id, { ...c.status, ...exitedFields(exit) });
      });
    } finally {
      m.close();
    }
    return true;
  } catch (err) {
    return err instanceof NotFoundError; // removed meanwhile: nothing to record
  }
}
