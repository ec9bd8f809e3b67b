/** Moving the init stage into the container's cgroup, and what its `cgroup` mounts bind. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CgroupManager } from '../cgroups';
import { readMountinfo } from '../cgroups/mountinfo';
import { readProcCgroup } from '../cgroups/proccgroup';
import { InitError } from './converse';
import type { InitConfig } from './sync';

/**
 * Which cgroup.procs files we write the init's pid to now, and which the init writes itself
 * later. With a memory limit, the memory hierarchy (or the single v2 one) waits for the init's
 * own start-up, so that Node's pages do not count against it; without one, everything is moved
 * now, in one go: a later move would often wait for another RCU grace period (~10 ms, see
 * primeCgroupAttach) on the init's path. In a user namespace the init asks us to move it (its
 * pid is only known then), so nothing is early.
 */
export function splitCgroupJoin(files: string[], viaParent: boolean, memoryLimited: boolean): [string[], string[]] {
  if (viaParent) return [[], files];
  if (!memoryLimited) return [files, []];
  const late = files.filter((f) => f.includes('/memory/') || files.length === 1);
  return [files.filter((f) => !late.includes(f)), late];
}

/**
 * A cgroup.procs write first waits for an RCU grace period (~8-15 ms here: the kernel's
 * threadgroup lock leaves its fast mode), unless another write happened within about one grace
 * period before; the wait holds the cgroup mutex (a cgroup mkdir waits too). A no-op move of
 * this process into the cgroup it is in, on the threadpool, pays it early: made at a few points
 * of run/create (prespawn, the CLI's start, create's start), it keeps the lock fast until
 * create's own moves, which then take microseconds. (A pid that does not exist fails before
 * the lock.) Failures do not matter: the real moves report theirs.
 */
export function primeCgroupAttach(): void {
  // Read each time: a long-lived caller (the shim) may have been moved since.
  let file: string;
  try {
    const own = readProcCgroup();
    const v1 = own.get('pids');
    const v2 = own.get('');
    if (v1 !== undefined) file = `/sys/fs/cgroup/pids${v1}/cgroup.procs`;
    else if (v2 !== undefined) file = `/sys/fs/cgroup${v2}/cgroup.procs`;
    else return;
  } catch {
    return; // no /proc: nothing to prime
  }
  writeOnPool(file, String(process.pid), () => undefined);
}

/**
 * One write on the threadpool, issued now: the file is opened here, so the blocking write(2)
 * does not wait for the event loop to turn (fs.writeFile's open-then-write would, and the CLI
 * keeps the loop busy until create awaits).
 */
function writeOnPool(file: string, data: string, done: (err: Error | null) => void): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'w');
  } catch (err) {
    done(err as Error);
    return;
  }
  fs.write(fd, data, (err) => {
    fs.closeSync(fd);
    done(err);
  });
}

/**
 * Moves the init into each cgroup.procs, on the threadpool and all at once: the grace period the
 * first write may wait for passes while create goes on. Resolves to the first failure.
 */
export async function writeProcsAsync(files: string[], pid: number): Promise<InitError | undefined> {
  const errors = await Promise.all(files.map((file) => new Promise<InitError | undefined>((resolve) => {
    writeOnPool(file, String(pid), (err) => resolve(err ? procsError(file, err) : undefined));
  })));
  return errors.find((e) => e !== undefined);
}

function procsError(file: string, err: Error): InitError | undefined {
  // The named hierarchies (name=systemd, the hybrid cgroup2 mount) may refuse, as runc tolerates.
  if (file.includes('/unified/') || file.includes('/systemd/')) return undefined;
  return new InitError(`cannot move the init into cgroup ${file}: ${err.message}`);
}

/** What a `cgroup` mount in the container binds: each hierarchy's mount name and the container's dir in it. */
export function cgroupMounts(cg: CgroupManager): InitConfig['cgroupMounts'] {
  const paths = cg.paths();
  if (cg.version === 2) return [{ name: '', dir: paths[''] }];
  // In the host's mount order, as runc lists them; the hybrid cgroup2 mount ("") carries no controllers here.
  const out: InitConfig['cgroupMounts'] = [];
  for (const m of readMountinfo()) {
    if (m.fsType !== 'cgroup') continue;
    const controller = Object.keys(paths).find((c) => c !== '' && m.superOptions.includes(c));
    const name = path.basename(m.mountPoint);
    if (controller && !out.some((e) => e.name === name)) out.push({ name, dir: paths[controller] });
  }
  return out;
}
