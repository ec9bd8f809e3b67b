/** The container's state directory under the runtime root: claimed atomically, taken over when abandoned. */
import * as fs from 'node:fs';
import type { ContainerPaths } from '../layout';
import { AlreadyExistsError } from '../errors';
import { isSameProcess, procStat } from '../sys/proc';
import { writeFileAtomic } from '../util/atomic';

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
      const left = attempt === 0 ? abandonedCreate(paths) : undefined;
      if (!left) break;
      removeAbandoned(paths, idOf(paths), left);
    }
  }
  throw new AlreadyExistsError('container with given ID already exists');
}

interface CreatingMark { pid: number; startTime: number; cgroup?: { cgroupsPath: string | null; made: boolean } }

/**
 * Adds the container's cgroup to the `.creating` mark once it is made: a create killed before it
 * wrote state.json left its cgroups behind, with nothing naming them (runc had its state by then).
 */
export function markCreatingCgroup(paths: ContainerPaths, cgroupsPath: string | undefined, made: boolean): void {
  const mark = JSON.parse(fs.readFileSync(paths.creating, 'utf8')) as CreatingMark;
  // Atomic: a create killed mid-write must not leave a mark nobody can read.
  writeFileAtomic(paths.creating, JSON.stringify({ ...mark, cgroup: { cgroupsPath: cgroupsPath ?? null, made } }), { durable: false });
}

/** The mark of a create whose process is gone without finishing, or undefined. */
export function abandonedCreate(paths: ContainerPaths): CreatingMark | undefined {
  if (fs.existsSync(paths.state)) return undefined;
  try {
    const mark = JSON.parse(fs.readFileSync(paths.creating, 'utf8')) as CreatingMark;
    return isSameProcess(mark.pid, mark.startTime) ? undefined : mark;
  } catch {
    return undefined; // no mark yet: another create is between its mkdir and its mark
  }
}

/** Removes what an abandoned create made: its cgroup (processes killed first) and its directory. */
export function removeAbandoned(paths: ContainerPaths, id: string, mark: CreatingMark): void {
  // A cgroup that existed before the create (a shared cgroupsPath) holds other processes: not ours to kill.
  if (mark.cgroup?.made) {
    const { cgroupManager } = require('../cgroups') as typeof import('../cgroups');
    const cg = cgroupManager(mark.cgroup.cgroupsPath ?? undefined, id);
    try { cg.killAll(9); } catch { /* gone */ }
    try { cg.destroy(); } catch { /* still busy: left, as runc leaves a busy cgroup */ }
  }
  fs.rmSync(paths.dir, { recursive: true, force: true });
}

/** The id is the state directory's name. */
function idOf(paths: ContainerPaths): string {
  return paths.dir.slice(paths.dir.lastIndexOf('/') + 1);
}
