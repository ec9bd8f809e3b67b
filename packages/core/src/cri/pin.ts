/**
 * Pod namespaces without a pause image (CRI-O's pinns way): new net, ipc and uts namespaces are
 * bind-mounted onto files under the pod's state directory, which keeps them alive with no process
 * in them; containers join them by path (linux.namespaces[].path).
 *
 * The "short-lived helper" is this process's main thread: it unshares, sets the hostname and the
 * namespaced sysctls from inside, bind-mounts /proc/thread-self/ns/<type>, and setns()es back to
 * where it was (net/ipc/uts setns works from a multithreaded Node, see DESIGN.md). That spares a
 * process spawn per pod. Only the main thread ever changes namespace; libuv's threads stay put.
 *
 * A pid namespace cannot be pinned that way: it lives only while its pid 1 does, and setns into
 * one whose pid 1 has died cannot fork. So for namespace_options.pid = POD (CRI's zero value) the
 * pod gets one small holder process as its pid 1: host busybox's ash in a wait loop, which also
 * reaps the orphans re-parented to it (what the pause image's process does), in the pod's net,
 * ipc and uts namespaces. stopp kills it, which ends every process of the pod's pid namespace.
 *
 * The holder is a process every container of the pod sees. As a root process of the host's
 * filesystem it would hand the host to any of them with CAP_SYS_PTRACE (/proc/1/root, or code
 * injected by ptrace); the pause image is a container of its own for the same reason. So it
 * confines itself before any container exists: its own mount namespace, pivoted to a read-only
 * tmpfs holding only a read-only bind of busybox and /dev/null (what ash opens for `&`), and the
 * nobody user without capabilities (code injected into it gains nothing). runp waits for that
 * (the uid change is its last step).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, UnsupportedError } from '../errors';
import { O_CLOEXEC } from '../sys/file';
import { sethostname } from '../sys/host';
import { MNT_DETACH, MS_BIND, mount, umount } from '../sys/mount';
import { CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWUTS, setnsFd, unshare } from '../sys/ns';
import { isSameProcess, procStat } from '../sys/proc';
import { spawnHelper } from '../sys/spawn';
import { makeDirs } from '../util/make-dirs';
import { sleepMs } from '../util/sleep';

export type PinnedType = 'net' | 'ipc' | 'uts' | 'pid';

export interface PinRequest {
  nsDir: string;
  net: boolean;
  ipc: boolean;
  uts: boolean;
  pid: boolean;
  /** Set in the new uts namespace when non-empty. */
  hostname: string;
  sysctls: Record<string, string>;
  /** Shown in the holder's command line, to tell whose it is. */
  podId: string;
}

export interface HolderProcess { pid: number; startTime: number }

export interface PinnedNamespaces {
  /** Path of each pinned namespace file. */
  paths: Partial<Record<PinnedType, string>>;
  holder?: HolderProcess;
}

const FLAGS: Record<PinnedType, number> = { net: CLONE_NEWNET, ipc: CLONE_NEWIPC, uts: CLONE_NEWUTS, pid: CLONE_NEWPID };

/** The busybox that runs the pid-namespace holder (Debian's busybox-static). */
export const HOLDER_SHELL = '/bin/busybox';
/** util-linux's unshare(1), where distributions put it. */
const UNSHARE = ['/usr/bin/unshare', '/bin/unshare'];
// `wait` in busybox ash waits with waitpid(-1): any child, so orphans are reaped too. Applets by
// path: a standalone ash runs its own through /proc/self/exe, and the holder has no /proc.
const HOLDER_SCRIPT = 'trap "exit 0" TERM; while :; do /busybox sleep 2147483647 & wait; done';
const NOBODY = 65534;
/**
 * Run by host busybox as the new pid 1, in a private mount namespace (unshare(1)); $1 is a
 * directory to mount the holder's root on (hidden from the host: the mounts are private), $2 the
 * busybox to bind there. After pivot_root the host's mounts are detached: the holder keeps none
 * alive (another pod's pinned namespaces, a container's rootfs).
 */
const HOLDER_CONFINE = [
  'set -e',
  'mount -t tmpfs -o size=16k,mode=0755,nosuid holder "$1"',
  'mkdir "$1/dev" "$1/old"',
  'mknod -m 666 "$1/dev/null" c 1 3',
  ': > "$1/busybox"',
  'mount --bind "$2" "$1/busybox"',
  'mount -o remount,bind,ro "$1/busybox"',
  'mount -o remount,ro "$1"',
  'cd "$1"',
  'pivot_root . old',
  '/busybox umount -l /old',
  `exec /busybox nsenter -F -S ${NOBODY} -G ${NOBODY} -- /busybox sh -c '${HOLDER_SCRIPT}' "$0"`,
].join('\n');

/** Which namespace a sysctl belongs to (the ones Kubernetes calls namespaced). */
export function sysctlNamespace(name: string): 'net' | 'ipc' | undefined {
  if (name.startsWith('net.') || name.startsWith('net/')) return 'net';
  if (/^kernel[./](shm|msg|sem)/.test(name) || /^fs[./]mqueue[./]/.test(name)) return 'ipc';
  return undefined;
}

function sysctlPath(name: string): string {
  const rel = name.includes('/') ? name : name.replace(/\./g, '/');
  if (rel.split('/').some((s) => s === '..' || s === '')) throw new InvalidArgumentError(`sysctl "${name}": not a valid name`);
  return path.join('/proc/sys', rel);
}

/** Refuses sysctls that would change the host (not namespaced, or their namespace is the host's). */
export function checkSysctls(sysctls: Record<string, string>, net: boolean, ipc: boolean): void {
  for (const name of Object.keys(sysctls)) {
    const ns = sysctlNamespace(name);
    if (ns === undefined) throw new InvalidArgumentError(`sysctl "${name}": not namespaced, a pod may not set it`);
    if ((ns === 'net' && !net) || (ns === 'ipc' && !ipc)) throw new InvalidArgumentError(`sysctl "${name}": not allowed with the host's ${ns} namespace`);
    sysctlPath(name);
  }
}

function bindNs(source: string, target: string): void {
  fs.writeFileSync(target, '', { mode: 0o444 });
  mount(source, target, null, MS_BIND);
}

function startHolder(podId: string, rootDir: string): HolderProcess {
  if (!fs.existsSync(HOLDER_SHELL)) throw new UnsupportedError(`pod pid namespace: ${HOLDER_SHELL} is missing (install busybox-static, or use pid namespace mode CONTAINER)`);
  const unshareBin = UNSHARE.find((f) => fs.existsSync(f));
  if (unshareBin === undefined) throw new UnsupportedError(`pod pid namespace: unshare(1) is missing (looked for ${UNSHARE.join(', ')}; install util-linux)`);
  // posix_spawn (no fork of this process), in a session of its own, as child_process's detached.
  const pid = spawnHelper(unshareBin, ['unshare', '--mount', '--propagation', 'private', '--', HOLDER_SHELL, 'sh', '-c', HOLDER_CONFINE,
    `berth-pod-${podId.slice(0, 12)}`, rootDir, HOLDER_SHELL], { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, ['null', 'null', 'null'], { setsid: true });
  const st = procStat(pid);
  if (!st) throw new UnsupportedError('pod pid namespace: the holder process exited at once');
  waitConfined(pid, st.startTime);
  return { pid, startTime: st.startTime };
}

/** Waits (up to 5 s) for the holder's last confinement step, the switch to nobody. */
function waitConfined(pid: number, startTime: number): void {
  for (let waited = 0; waited < 5000; waited++) {
    let status: string;
    try { status = fs.readFileSync(`/proc/${pid}/status`, 'utf8'); } catch { status = ''; }
    if (!status || !isSameProcess(pid, startTime) || /^State:\s+Z/m.test(status)) throw new UnsupportedError('pod pid namespace: its holder failed to confine itself (unshare, mount, pivot_root)');
    if (new RegExp(`^Uid:\\s+${NOBODY}\\s`, 'm').test(status)) return;
    sleepMs(1);
  }
  stopHolder({ pid, startTime });
  throw new UnsupportedError('pod pid namespace: its holder did not confine itself within 5 s');
}

/** Kills the pid-namespace holder if it is still the process we started (its pid namespace dies with it). */
export function stopHolder(h: HolderProcess | undefined): void {
  if (!h || !isSameProcess(h.pid, h.startTime)) return;
  try {
    process.kill(h.pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Unmounts and removes a pinned file; a file that is not there (or not mounted) is fine. */
export function unpin(file: string): void {
  try {
    umount(file, MNT_DETACH);
  } catch (err) {
    const errno = (err as { errno?: string }).errno;
    if (errno !== 'EINVAL' && errno !== 'ENOENT') throw err;
  }
  fs.rmSync(file, { force: true });
}

/** Creates and pins the requested namespaces; on any failure, nothing of it is left. */
export function pinNamespaces(req: PinRequest): PinnedNamespaces {
  const types = (['net', 'ipc', 'uts', 'pid'] as const).filter((t) => req[t]);
  const out: PinnedNamespaces = { paths: {} };
  if (types.length === 0) return out;
  checkSysctls(req.sysctls, req.net, req.ipc);
  makeDirs(req.nsDir, 0o711);
  // Where the main thread is now, to come back to (pid: where its children go).
  const saved = types.map((t) => ({ t, fd: fs.openSync(`/proc/thread-self/ns/${t === 'pid' ? 'pid_for_children' : t}`, fs.constants.O_RDONLY | O_CLOEXEC) }));
  let failure: unknown;
  try {
    unshare(types.reduce((f, t) => f | FLAGS[t], 0));
    if (req.uts && req.hostname !== '') sethostname(req.hostname);
    for (const [name, value] of Object.entries(req.sysctls)) fs.writeFileSync(sysctlPath(name), value);
    if (req.pid) out.holder = startHolder(req.podId, req.nsDir);
    for (const t of types) {
      const file = path.join(req.nsDir, t);
      bindNs(t === 'pid' ? `/proc/${(out.holder as HolderProcess).pid}/ns/pid` : `/proc/thread-self/ns/${t}`, file);
      out.paths[t] = file;
    }
  } catch (err) {
    failure = err;
  } finally {
    // Back to the original namespaces before anything else runs on this thread.
    for (const { t, fd } of saved) {
      setnsFd(fd, FLAGS[t], `back to the host's ${t} namespace`);
      fs.closeSync(fd);
    }
  }
  if (failure !== undefined) {
    unpinNamespaces(req.nsDir, out);
    throw failure;
  }
  return out;
}

/** Kills the holder and unpins every namespace file of a pod; repeating it is harmless. */
export function unpinNamespaces(nsDir: string, pinned: PinnedNamespaces): void {
  stopHolder(pinned.holder);
  for (const t of ['net', 'ipc', 'uts', 'pid'] as const) unpin(path.join(nsDir, t));
  fs.rmSync(nsDir, { recursive: true, force: true });
}
