/** The container's state directory under the runtime root: claimed atomically, taken over when abandoned. */
import * as fs from 'node:fs';
import type { ContainerPaths } from '../layout';
import { AlreadyExistsError } from '../errors';
import { isSameProcess, procStat } from '../sys/proc';

/**
 * Makes the container's state directory, atomically (mkdir): a second create of the same id
 * fails. A directory left by a create that was killed before it finished (a `.creating` mark
 * whose process is gone, no state.json) is taken over, so a killed CLI leaves nothing that
 * blocks the id.
 */
export function claimStateDir(paths: ContainerPaths): void {
  const mark = JSON.stringify({ pid: process.pid, startTime: procStat(process.pid)?.startTime ?? 0 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.mkdirSync(paths.dir, { mode: 0o711 });
      fs.writeFileSync(paths.creating, mark);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (attempt > 0 || !abandoned(paths)) break;
      fs.rmSync(paths.dir, { recursive: true, force: true });
    }
  }
  throw new AlreadyExistsError('container with given ID already exists');
}

function abandoned(paths: ContainerPaths): boolean {
  if (fs.existsSync(paths.state)) return false;
  try {
    const { pid, startTime } = JSON.parse(fs.readFileSync(paths.creating, 'utf8')) as { pid: number; startTime: number };
    return !isSameProcess(pid, startTime);
  } catch {
    return false; // no mark yet: another create is between its mkdir and its mark
  }
}
