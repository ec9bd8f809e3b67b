/** start, kill and delete of a container, from its record on disk. */
import * as fs from 'node:fs';
import { containerPaths } from '../layout';
import { NotFoundError, StateError } from '../errors';
import { isSameProcess } from '../sys/proc';
import { containerStatus, CorruptRecordError, initAlive, readRecord, recordCgroup, specHead, type ContainerRecord } from './container';
import { hookState, runHooks, runHooksWarning } from './hooks';
import { parseSignal } from './signals';
import { sleepMs } from '../util/sleep';
import { trace } from '../util/trace';
import { removeFlatDir } from '../util/remove';
import { abandonedCreate, removeAbandoned } from './state-dir';

export function startContainer(root: string, id: string): void {
  trace('start: begin');
  const rec = readRecord(root, id);
  const status = containerStatus(root, rec);
  if (status === 'stopped') throw new StateError('cannot start a container that has stopped');
  if (status !== 'created') throw new StateError('cannot start an already running container');
  const fifoPath = containerPaths(root, id).execFifo;
  let fd: number;
  try {
    // Non-blocking, so a dead init cannot hang us: poll for its byte while checking it lives.
    fd = fs.openSync(fifoPath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StateError('cannot start an already running container');
    throw err;
  }
  try {
    const buf = Buffer.alloc(1);
    const released = (): boolean => {
      try { return fs.readSync(fd, buf, 0, 1, null) > 0; } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        return false;
      }
    };
    // The init writes its byte within ~0.1 ms of our open: poll finely at first, then every ms.
    for (let wait = 0.05; ; wait = Math.min(wait * 2, 1)) {
      if (released()) break;
      // Between that read and this check the init may have written its byte, exec'd a process
      // that exits at once (`true`) and gone: the byte is still in the FIFO, so read once more.
      if (!initAlive(rec)) {
        if (released()) break;
        throw new StateError('cannot start a container that has stopped');
      }
      sleepMs(wait);
    }
  } finally {
    fs.closeSync(fd);
  }
  trace('start: init released');
  try { fs.unlinkSync(fifoPath); } catch { /* a concurrent start removed it */ }
  try {
    const head = specHead(rec);
    runHooks('poststart', head.hooks?.poststart, hookState(rec, head, 'running', rec.initPid));
  } catch (err) {
    // runc stops a container whose poststart hook failed.
    try { destroyProcesses(rec, 9); } catch { /* already gone */ }
    throw err;
  }
}

export function killContainer(root: string, id: string, signal: string | number = 'SIGTERM', all = false): void {
  const rec = readRecord(root, id);
  // runc: an empty signal is SIGTERM.
  const sig = parseSignal(signal === '' ? 'SIGTERM' : signal);
  // -a signals whatever the cgroup holds, whatever the init's state (runc 1.1: a stopped
  // container's empty cgroup is no error).
  const cg = all ? recordCgroup(rec) : undefined;
  if (cg) {
    cg.killAll(sig);
    // runc's kill --all freezes, signals and thaws the cgroup, whatever the signal.
    thaw(rec);
    return;
  }
  if (containerStatus(root, rec) === 'stopped') throw new StateError('container not running');
  process.kill(rec.initPid, sig);
  thawForKill(rec, sig);
}

/**
 * A SIGKILL to a paused container thaws it, as runc 1.1 does: a frozen task does not act on a
 * signal until thawed, so the container would stay paused with its SIGKILL pending. Other
 * signals wait for `resume`.
 */
function thawForKill(rec: ContainerRecord, sig: number): void {
  if (sig === 9) thaw(rec);
}

function thaw(rec: ContainerRecord): void {
  const cg = recordCgroup(rec);
  try { if (cg?.isFrozen()) cg.thaw(); } catch { /* no freezer */ }
}

export interface DeleteResult {
  deleted: boolean;
  /** Failed poststop hooks: warnings only, the container is gone (runtime spec). */
  warnings: string[];
}

export function deleteContainer(root: string, id: string, force = false): DeleteResult {
  trace('delete: begin');
  let rec: ContainerRecord;
  try {
    rec = readRecord(root, id);
  } catch (err) {
    // runc: `delete --force` of a container that does not exist succeeds quietly.
    if (err instanceof CorruptRecordError && force) {
      // Nothing in it can be trusted to name processes or cgroups: the directory goes.
      removeFlatDir(containerPaths(root, id).dir);
      return { deleted: true, warnings: [`${err.message}: its directory was removed; its processes and cgroup, if any, were not`] };
    }
    if (err instanceof NotFoundError && force) {
      const paths = containerPaths(root, id);
      // A create killed before its state.json: what it made goes too (its cgroup with it).
      const mark = abandonedCreate(paths);
      if (mark) removeAbandoned(paths, id, mark); else removeFlatDir(paths.dir);
      return { deleted: false, warnings: [] };
    }
    throw err;
  }
  const status = containerStatus(root, rec);
  if ((status === 'running' || status === 'paused') && !force) {
    throw new StateError(`cannot delete container ${id} that is not stopped: ${status}`);
  }
  if (status !== 'stopped') destroyProcesses(rec, 9);
  const warnings = destroy(root, rec);
  trace('delete: done');
  return { deleted: true, warnings };
}

/** Kills every process of the container and waits until the init is gone. */
function destroyProcesses(rec: ContainerRecord, sig: number): void {
  const cg = recordCgroup(rec);
  // With a PID namespace of its own, the init's death ends every process of the container; the
  // cgroup may hold another container's too (a shared cgroupsPath), so only the init is
  // signalled, as runc does. Without one, the cgroup is what holds the container's processes.
  if (rec.ownPidNamespace || !cg) {
    try { process.kill(rec.initPid, sig); } catch { /* gone */ }
  } else {
    cg.killAll(sig);
  }
  // A frozen cgroup keeps even SIGKILLed processes: thaw so they can die.
  thawForKill(rec, sig);
  const deadline = Date.now() + 10_000;
  while (isSameProcess(rec.initPid, rec.initStartTime)) {
    if (Date.now() > deadline) throw new StateError(`container ${rec.id}: init process ${rec.initPid} did not exit after SIGKILL`);
    sleepMs(2);
  }
}

/** The container's cgroup, poststop hooks and state go; returns the hooks' failures (warnings). */
function destroy(root: string, rec: ContainerRecord): string[] {
  const cg = recordCgroup(rec);
  const warnings: string[] = [];
  if (cg) {
    if (!rec.ownPidNamespace) try { cg.killAll(9); } catch { /* empty */ }
    try {
      // Retried briefly while the container's last processes finish exiting.
      cg.destroy();
    } catch (err) {
      // Another container's processes in a shared cgroup keep it (runc warns at create, and
      // leaves the cgroup to its last user).
      const others = rec.ownPidNamespace ? cg.pids() : [];
      if (others.length === 0) throw err;
      warnings.push(`cgroup ${cg.path} not removed: it still holds processes of another container (${others.slice(0, 5).join(', ')})`);
    }
  }
  try {
    const head = specHead(rec);
    return [...warnings, ...runHooksWarning('poststop', head.hooks?.poststop, hookState(rec, head, 'stopped', 0))];
  } finally {
    removeFlatDir(containerPaths(root, rec.id).dir);
  }
}
