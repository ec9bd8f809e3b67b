/**
 * `create`: prepare cgroup and PID namespace, spawn the init stage, wait until it blocks on the
 * exec FIFO, then record the container. Any failure undoes everything (process, cgroup, state).
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { containerPaths, initStageScript, type ContainerPaths } from '../layout';
import { AlreadyExistsError, BerthError, InvalidArgumentError, UnsupportedError } from '../errors';
import { loadSpec, validateId } from '../oci/validate';
import type { LinuxNamespaceType, Spec } from '../oci/types';
import { cgroupManager, type CgroupManager } from '../cgroups';
import { readMountinfo } from '../cgroups/mountinfo';
import { mkfifo, closeFd } from '../sys/file';
import { NAMESPACE_PROC_NAMES } from '../sys/ns';
import { isSameProcess, procStat } from '../sys/proc';
import { writeFileAtomic } from '../util/atomic';
import { rfc3339Nano } from '../util/time';
import type { ContainerRecord } from './container';
import { hookState, runHooks } from './hooks';
import { STDERR_FD_ENV, SYNC_FD_ENV, type InitConfig, type InitMessage, type ParentMessage } from './sync';
import { initEnv } from './init-env';
import { takePrespawned } from './prespawn';
import { spawnInPidNamespace } from './pidns';
import { trace } from '../util/trace';
import { effectiveResources } from './devices-cgroup';

export interface CreateOptions {
  root: string;
  id: string;
  bundle: string;
  pidFile?: string;
  /** Path of a unix socket that receives the pty master (runc's --console-socket). */
  consoleSocket?: string;
  /** An already-connected console socket fd (used by `run -t` in the foreground). */
  consoleFd?: number;
  noPivot?: boolean;
  noNewKeyring?: boolean;
  preserveFds?: number;
  /** The bundle's spec when the caller has already loaded and validated it (run). */
  spec?: Spec;
}

export interface Created {
  record: ContainerRecord;
  /** The init stage, a child of this process (run waits on it). */
  child: ChildProcess;
}

export class InitError extends BerthError {
  constructor(message: string) { super('EINIT', message); }
}

export async function createContainer(opts: CreateOptions): Promise<Created> {
  trace('create: begin');
  requireRoot();
  validateId(opts.id);
  const bundle = path.resolve(opts.bundle);
  const spec = opts.spec ?? loadSpec(bundle);
  const rootfs = path.resolve(bundle, spec.root?.path ?? 'rootfs');
  const namespaces = spec.linux?.namespaces ?? [];
  const userNs = namespaces.find((n) => n.type === 'user');
  if (userNs?.path) throw new UnsupportedError('joining an existing user namespace by path is not supported by berth: drop "path" from the user namespace to create a new one');
  if (spec.process?.terminal && !opts.consoleSocket && opts.consoleFd === undefined) {
    throw new BerthError('EINVAL', 'cannot allocate tty if runc will detach without setting console socket');
  }

  fs.mkdirSync(opts.root, { recursive: true, mode: 0o711 });
  const paths = containerPaths(opts.root, opts.id);
  claimStateDir(paths);

  const undo: (() => void)[] = [() => fs.rmSync(paths.dir, { recursive: true, force: true })];
  try {
    let consoleFd = opts.consoleFd;
    if (opts.consoleSocket) {
      const { unixConnect } = require('../sys/socket') as typeof import('../sys/socket');
      consoleFd = unixConnect(path.resolve(opts.consoleSocket));
      const fd = consoleFd;
      undo.push(() => closeQuietly(fd));
    }

    const preserve = opts.preserveFds ?? 0;
    const stdio: StdioOptions = ['inherit', 'inherit', 'inherit'];
    for (let i = 0; i < preserve; i++) stdio.push(3 + i);
    const syncIndex = stdio.length;
    stdio.push('pipe');
    let consoleIndex: number | undefined;
    if (consoleFd !== undefined) { consoleIndex = stdio.length; stdio.push(consoleFd); }

    // The init stage is spawned first: its Node start-up (the longest step) overlaps with the
    // FIFO, the cgroup and its limits made here; it waits for its config on the sync socket.
    const env = initEnv({ [SYNC_FD_ENV]: String(syncIndex), ...(process.env.BERTH_TRACE ? { BERTH_TRACE: '1' } : {}) });
    let proc: ChildProcess;
    let releaseHolder = (): void => undefined;
    const plain = consoleFd === undefined && preserve === 0 && !userNs;
    const pre = takePrespawned(bundle, plain);
    if (pre) proc = pre;
    else if (userNs) {
      // A user namespace is entered through nsenter(1) (see holdUserNamespace).
      const holder = await holdUserNamespace(spec);
      releaseHolder = holder.release;
      undo.push(() => holder.release());
      // util-linux 2.38's unshare prints "sigprocmask unblock failed" when its child is SIGKILLed:
      // its stderr goes nowhere, and the init gets the real one back on a spare fd.
      const quiet: StdioOptions = [...stdio];
      quiet[2] = 'ignore';
      quiet.push(2);
      env[STDERR_FD_ENV] = String(quiet.length - 1);
      proc = spawn('nsenter', [`--user=${holder.nsPath}`, '--', ...pidNamespaceArgs(spec), process.execPath, initStageScript()], { stdio: quiet, env });
    } else proc = spawnInPidNamespace(spec, () => spawn(process.execPath, [initStageScript()], { stdio, env }));
    trace('create: init spawned');
    undo.push(() => killQuietly(proc));
    let pid = proc.pid as number;

    mkfifo(paths.execFifo, 0o622);
    fs.chmodSync(paths.execFifo, 0o622); // past the umask: a container's non-root user must open it for writing
    const cg = cgroupManager(spec.linux?.cgroupsPath, opts.id);
    cg.create();
    undo.push(() => destroyQuietly(cg));
    const resources = effectiveResources(spec);
    if (resources) cg.set(resources);
    // Each cgroup.procs write waits for an RCU grace period (~1.5 ms here): done now, while the
    // init boots. Only the memory cgroup is left to the init, joined after its start-up so that
    // Node's own pages are not charged to the container.
    const [early, late] = splitCgroupJoin(cg.procsFiles(), userNs !== undefined);
    for (const f of early) writeProcs(f, pid);
    trace('create: cgroup ready');

    const config: InitConfig = {
      mode: 'create',
      id: opts.id,
      bundle,
      rootfs,
      spec,
      cgroupProcs: late,
      cgroupMounts: cgroupMounts(cg),
      execFifo: paths.execFifo,
      noPivot: opts.noPivot ?? false,
      noNewKeyring: opts.noNewKeyring ?? false,
      preserveFds: preserve,
      consoleFd: consoleIndex,
      joinNamespaces: namespaces.filter((n) => n.path && n.type !== 'pid').map((n) => ({ type: n.type, path: n.path as string })),
      cgroupViaParent: userNs !== undefined,
      bindDevices: userNs !== undefined,
    };

    const record: ContainerRecord = {
      version: 1,
      id: opts.id,
      bundle,
      rootfs,
      created: rfc3339Nano(),
      ownerUid: process.getuid?.() ?? 0,
      initPid: pid,
      initStartTime: 0,
      config: spec,
      cgroup: { version: cg.version, path: cg.path, paths: cg.paths() },
      namespaces: namespacePaths(spec, pid),
      ownPidNamespace: namespaces.some((n) => n.type === 'pid' && !n.path),
    };

    await converse(proc, syncIndex, config, (msg) => {
      if (msg.type === 'join-cgroup') {
        // The init's pid on the host (with unshare(1) in between, not our child's pid).
        pid = msg.pid;
        record.initPid = pid;
        record.namespaces = namespacePaths(spec, pid);
        cg.apply(pid);
        return { type: 'cgroup-joined' };
      }
      if (msg.type === 'hooks') {
        const state = hookState(record, spec, 'creating', pid);
        runHooks('prestart', spec.hooks?.prestart, state);
        runHooks('createRuntime', spec.hooks?.createRuntime, state);
        return { type: 'hooks-done', pid };
      }
      return undefined;
    });

    trace('create: init ready');
    releaseHolder(); // the namespace lives on with the container's processes
    const st = procStat(pid);
    if (!st) throw new InitError('container init exited during create');
    record.initStartTime = st.startTime;
    if (consoleFd !== undefined && opts.consoleSocket) closeQuietly(consoleFd);
    writeFileAtomic(paths.state, JSON.stringify(record));
    fs.rmSync(paths.creating, { force: true });
    if (opts.pidFile) writeFileAtomic(path.resolve(opts.pidFile), String(pid));
    return { record, child: proc };
  } catch (err) {
    for (const u of undo.reverse()) u();
    throw err;
  }
}

/**
 * Makes the container's state directory, atomically (mkdir): a second create of the same id
 * fails. A directory left by a create that was killed before it finished (a `.creating` mark
 * whose process is gone, no state.json) is taken over, so a killed CLI leaves nothing that
 * blocks the id.
 */
function claimStateDir(paths: ContainerPaths): void {
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

/** berth runs containers as root only: a rootless runtime (cgroup delegation, newuidmap) is not built. */
export function requireRoot(): void {
  if (process.geteuid?.() !== 0) throw new UnsupportedError('berth runs containers as root only (rootless mode is not supported): run it with sudo');
}

/** Sends the config, answers the init's requests, and resolves when it reports ready. */
export function converse(child: ChildProcess, syncIndex: number, config: InitConfig,
  onMessage: (msg: InitMessage) => ParentMessage | undefined): Promise<void> {
  const sock = child.stdio[syncIndex] as unknown as import('node:net').Socket;
  const send = (m: ParentMessage): void => { sock.write(`${JSON.stringify(m)}\n`); };
  return new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      rl.close();
      sock.destroy();
      child.off('exit', onExit);
      if (err) reject(err); else resolve();
    };
    const onExit = (code: number | null, signal: string | null): void => {
      finish(new InitError(`container init exited before it was ready (${signal ? `signal ${signal}` : `exit status ${code}`})`));
    };
    child.once('exit', onExit);
    child.once('error', (err) => finish(new InitError(`cannot start container init: ${err.message}`)));
    const rl = readline.createInterface({ input: sock });
    rl.on('line', (line) => {
      let msg: InitMessage;
      try { msg = JSON.parse(line) as InitMessage; } catch { finish(new InitError(`bad message from init: ${line}`)); return; }
      if (msg.type === 'error') { finish(new InitError(msg.message)); return; }
      if (msg.type === 'ready') { finish(); return; }
      try {
        const reply = onMessage(msg);
        if (reply) send(reply);
      } catch (err) {
        send({ type: 'error', message: (err as Error).message });
        finish(err as Error);
      }
    });
    sock.on('error', () => { /* reported through exit */ });
    rl.on('error', () => { /* reported through exit */ });
    send({ type: 'config', config });
  });
}

/**
 * Node is multithreaded and can neither unshare nor setns a user namespace. A short-lived holder
 * (util-linux unshare(1), single-threaded) creates it; we write its id maps (root on the host may
 * write any mapping, without newuidmap's /etc/subuid rules); nsenter(1) then enters it as uid 0
 * of the namespace with full capabilities there, and a PID namespace is made inside it so the
 * container owns its /proc.
 */
async function holdUserNamespace(spec: Spec): Promise<{ nsPath: string; release(): void }> {
  if (!spec.linux?.uidMappings?.length || !spec.linux.gidMappings?.length) {
    throw new InvalidArgumentError('a user namespace needs linux.uidMappings and linux.gidMappings');
  }
  const holder = spawn('unshare', ['--user', '--', 'sleep', 'infinity'], { stdio: 'ignore', env: initEnv({}) });
  const release = (): void => { try { holder.kill('SIGKILL'); } catch { /* gone */ } };
  const own = fs.readlinkSync('/proc/self/ns/user');
  const nsPath = `/proc/${holder.pid}/ns/user`;
  const deadline = Date.now() + 5000;
  for (;;) {
    let current: string | undefined;
    try { current = fs.readlinkSync(nsPath); } catch { current = undefined; }
    if (current && current !== own) break;
    if (holder.exitCode !== null || Date.now() > deadline) { release(); throw new InitError('could not create a user namespace (unshare --user failed)'); }
    await new Promise((r) => setTimeout(r, 1));
  }
  const lines = (m: { containerID: number; hostID: number; size: number }[]): string => m.map((e) => `${e.containerID} ${e.hostID} ${e.size}\n`).join('');
  try {
    fs.writeFileSync(`/proc/${holder.pid}/uid_map`, lines(spec.linux.uidMappings));
    fs.writeFileSync(`/proc/${holder.pid}/gid_map`, lines(spec.linux.gidMappings));
  } catch (err) {
    release();
    throw new InvalidArgumentError(`linux.uidMappings/gidMappings: the kernel refused the mapping: ${(err as Error).message}`);
  }
  return { nsPath, release };
}

function pidNamespaceArgs(spec: Spec): string[] {
  const pidNs = spec.linux?.namespaces?.find((n) => n.type === 'pid');
  if (!pidNs) return [];
  if (pidNs.path) throw new UnsupportedError('joining a PID namespace by path together with a new user namespace is not supported by berth');
  return ['unshare', '--pid', '--fork', '--kill-child', '--'];
}

function namespacePaths(spec: Spec, pid: number): Partial<Record<LinuxNamespaceType, string>> {
  const out: Partial<Record<LinuxNamespaceType, string>> = {};
  for (const ns of spec.linux?.namespaces ?? []) out[ns.type] = ns.path ?? `/proc/${pid}/ns/${NAMESPACE_PROC_NAMES[ns.type]}`;
  return out;
}

/**
 * Which cgroup.procs files we write the init's pid to now, and which the init writes itself
 * later: the memory hierarchy (or the single v2 one) waits for the init's own start-up. In a
 * user namespace the init asks us to move it (its pid is only known then), so nothing is early.
 */
function splitCgroupJoin(files: string[], viaParent: boolean): [string[], string[]] {
  if (viaParent) return [[], files];
  const late = files.filter((f) => f.includes('/memory/') || files.length === 1);
  return [files.filter((f) => !late.includes(f)), late];
}

function writeProcs(file: string, pid: number): void {
  try {
    fs.writeFileSync(file, String(pid));
  } catch (err) {
    // The named hierarchies (name=systemd, the hybrid cgroup2 mount) may refuse, as runc tolerates.
    if (!file.includes('/unified/') && !file.includes('/systemd/')) throw new InitError(`cannot move the init into cgroup ${file}: ${(err as Error).message}`);
  }
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

function destroyQuietly(cg: CgroupManager): void {
  try { cg.killAll(9); } catch { /* gone */ }
  try { cg.destroy(); } catch { /* best effort during rollback */ }
}

function killQuietly(child: ChildProcess): void {
  try { child.kill('SIGKILL'); } catch { /* gone */ }
}

function closeQuietly(fd: number): void {
  try { closeFd(fd); } catch { /* closed */ }
}
