/** The init stage of a new container: namespaces, rootfs, identity, then wait for `start`. */
import * as fs from 'node:fs';
import { DEFERRED_RLIMITS, ParentAbort, type InitConfig, type ParentMessage, type SyncChannel } from '../sync';
import { NAMESPACE_FLAGS, CLONE_FS, CLONE_NEWCGROUP, CLONE_NEWNS, setnsFd, unshare } from '../../sys/ns';
import { O_CLOEXEC, O_PATH, openRaw, closeFd } from '../../sys/file';
import { joinSessionKeyring, sethostname, setdomainname } from '../../sys/host';
import { hookState, runHooks } from '../hooks';
import { trace } from '../../util/trace';
import { enterRootfs, finalizeRootfs, prepareRootfs } from './rootfs';
import { applyIdentity, execProcess, prepareProcess, preloadForRootfsChange } from './process';
import { makeDirs } from '../../util/make-dirs';
import { errnoText } from '../../errors';

export function runCreate(cfg: InitConfig, ch: SyncChannel): void {
  const { spec } = cfg;
  const newNs = (spec.linux?.namespaces ?? []).filter((n) => !n.path && n.type !== 'pid' && n.type !== 'user');
  let flags = 0;
  for (const ns of newNs) flags |= NAMESPACE_FLAGS[ns.type];
  // The parent makes the container's cgroup while we build our namespaces and mounts, and says
  // 'cgroup-ready' once we are in it (runtime/create.ts). From then on: what is left to us to join
  // (memory under a limit: Node's own pages and the mounts are charged elsewhere), then the cgroup
  // namespace, whose root is the cgroup we are in when it is made, then the cgroup mounts.
  let inCgroup = false;
  const joinCgroupNow = (): void => {
    if (inCgroup) return;
    inCgroup = true;
    expect(ch, 'cgroup-ready');
    enterCgroup(cfg, ch);
  };
  let cgroupNsMade = false;
  const cgroupReady = (): void => {
    if (cgroupNsMade) return;
    cgroupNsMade = true;
    joinCgroupNow();
    if (flags & CLONE_NEWCGROUP) unshare(CLONE_NEWCGROUP);
    trace('init: cgroup joined');
  };
  // A mount namespace joined by path may not show the host's /sys/fs/cgroup, and a cgroup
  // namespace joined by path would judge our cgroup.procs writes from its root: the cgroup first.
  if (cfg.joinNamespaces.some((n) => n.type === 'mount' || n.type === 'cgroup')) joinCgroupNow();
  joinNamespaces(cfg);
  if (flags & ~CLONE_NEWCGROUP) unshare(flags & ~CLONE_NEWCGROUP);
  trace('init: unshared');
  const hasMountNs = (spec.linux?.namespaces ?? []).some((n) => n.type === 'mount');

  // The exec FIFO is reopened through /proc/self/fd after pivot_root, when its path is gone.
  const fifoPath = openRaw(cfg.execFifo, O_PATH | O_CLOEXEC);

  preloadForRootfsChange(cfg);
  trace('init: namespaces');
  if (hasMountNs) prepareRootfs(cfg, cgroupReady);
  else cgroupReady();
  trace('init: mounts');
  // The parent runs prestart and createRuntime now; without hooks the round trip is skipped.
  let hostPid = 0;
  const hooks = spec.hooks;
  if (hooks && [hooks.prestart, hooks.createRuntime, hooks.createContainer, hooks.startContainer].some((h) => h?.length)) {
    ch.send({ type: 'hooks' });
    const reply = expect(ch, 'hooks-done');
    hostPid = reply.type === 'hooks-done' ? reply.pid : 0;
  }
  runHooks('createContainer', spec.hooks?.createContainer, hookState(cfg, spec, 'creating', hostPid));

  if (hasMountNs) enterRootfs(cfg);
  // A cwd missing from the image is made (runc: "we are in the jail here"), before the rootfs
  // may become read-only.
  const cwd = spec.process?.cwd;
  if (hasMountNs && cwd) {
    try {
      makeDirs(cwd, 0o755);
    } catch (err) {
      throw new Error(`mkdir cwd ("${cwd}") set in config.json failed: ${(err as Error).message}`);
    }
  }
  if (spec.hostname !== undefined && spec.hostname !== '') sethostname(spec.hostname);
  if (spec.domainname) setdomainname(spec.domainname);
  // Before the read-only remounts: /proc/sys is one of the default readonlyPaths.
  for (const [key, value] of Object.entries(spec.linux?.sysctl ?? {})) {
    try {
      fs.writeFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, value);
    } catch (err) {
      // The kernel's refusal, named by its key (runc's words).
      throw new Error(`write sysctl key ${key}: ${errnoText((err as NodeJS.ErrnoException).code ?? '') || (err as Error).message}`);
    }
  }
  if (hasMountNs) finalizeRootfs(cfg);
  if (!cfg.noNewKeyring) joinSessionKeyring(`_ses.${cfg.id}`);

  const proc = spec.process;
  if (!proc) throw new Error('config.json has no process to run');
  const prepared = prepareProcess(cfg, proc);
  // runc's umask for create when none is given. AS, DATA and NPROC wait for the last step before
  // the execve (execProcess): below Node's own use they made the stage's heap fail (Node 26).
  applyIdentity(proc, spec.linux?.seccomp, 0o022, DEFERRED_RLIMITS);

  trace('init: ready');
  ch.send({ type: 'ready' });
  closeFd(ch.fd);

  // Blocks until `start` opens the FIFO for reading. startContainer hooks run before our byte
  // is written, so `start` returns (and runs poststart) only after them, never alongside.
  const fifo = fs.openSync(`/proc/self/fd/${fifoPath}`, fs.constants.O_WRONLY);
  runHooks('startContainer', spec.hooks?.startContainer, hookState(cfg, spec, 'created', hostPid));
  fs.writeSync(fifo, '0');
  fs.closeSync(fifo);
  closeFd(fifoPath);
  execProcess(cfg, proc, prepared);
}

/** Joins the container's cgroup: itself, or, in a user namespace, by asking the parent. */
export function enterCgroup(cfg: InitConfig, ch: SyncChannel): void {
  if (!cfg.cgroupViaParent) {
    joinCgroup(cfg.cgroupProcs);
    return;
  }
  // /proc is still the host's: /proc/self names our pid there.
  ch.send({ type: 'join-cgroup', pid: Number(fs.readlinkSync('/proc/self')) });
  expect(ch, 'cgroup-joined');
}

function expect(ch: SyncChannel, type: ParentMessage['type']): ParentMessage {
  const reply = ch.receive();
  if (reply.type === 'error') throw new ParentAbort(reply.message);
  if (reply.type !== type) throw new Error(`init: expected ${type} from the parent, got ${reply.type}`);
  return reply;
}

/**
 * Writes ourselves into each cgroup.procs. The controllers' hierarchies must take us; the named
 * ones listed last (name=systemd, the hybrid cgroup2 mount) may refuse, as runc tolerates.
 */
export function joinCgroup(procsFiles: string[]): void {
  procsFiles.forEach((f) => {
    try {
      fs.writeFileSync(f, '0');
    } catch (err) {
      const optional = f.includes('/unified/') || f.includes('/systemd/');
      if (!optional) throw new Error(`cannot join cgroup ${f}: ${(err as Error).message}`);
    }
  });
}

function joinNamespaces(cfg: InitConfig): void {
  // Open every file first: joining the mount namespace changes what paths mean.
  const fds = cfg.joinNamespaces.map((ns) => ({ ns, fd: openRaw(ns.path, O_CLOEXEC) }));
  for (const { ns, fd } of fds) {
    // setns into a mount namespace needs a private fs_struct (Node's threads share ours).
    if (ns.type === 'mount') unshare(CLONE_FS);
    try {
      setnsFd(fd, NAMESPACE_FLAGS[ns.type], `${ns.type} namespace ${ns.path}`);
    } finally {
      closeFd(fd);
    }
  }
  void CLONE_NEWNS;
}
