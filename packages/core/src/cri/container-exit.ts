/**
 * containerd's CRI plugin on a TaskExit event: the exit code, the time and the reason go into the
 * container's CRI status. Called by the container's shim (shim-cri-log.ts) or, for a tty
 * container, its log relay, once the output is all in the log.
 */
import { openMetadata } from '../metadata';
import type { ExitInfo } from '../tasks/types';
import { resolveCriContainer, saveStatus } from './container-record';
import { rfc3339ToNs } from './containers';

export function recordCriExit(root: string, id: string, exit: ExitInfo): void {
  const m = openMetadata(root);
  try {
    m.tx(() => {
      const c = resolveCriContainer(m, id);
      saveStatus(m, id, { ...c.status, finishedAt: rfc3339ToNs(exit.exitedAt), exitCode: exit.status, reason: exit.status === 0 ? 'Completed' : 'Error' });
    });
  } catch {
    // The container was removed meanwhile.
  } finally {
    m.close();
  }
}
