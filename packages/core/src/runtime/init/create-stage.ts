/** The init stage of a new container: namespaces, rootfs, identity, then wait for `start`. */
import * as fs from 'node:fs';
import type { InitConfig, SyncChannel } from '../sync';
import { NAMESPACE_FLAGS, CLONE_FS, CLONE_NEWNS, setnsFd, unshare } from '../../sys/ns';
import { O_CLOEXEC, O_PATH, openRaw, closeFd } from '../../sys/file';
import { joinSessionKeyring, sethostname, setdomainname } from '../../sys/host';
import { hookState } from '../container';
import { runHooks } from '../hooks';
import { enterRootfs, finalizeRootfs, prepareRootfs } from './rootfs';
import { applyIdentity, execProcess, prepareProcess } from './process';

export function runCreate(cfg: InitConfig, ch: SyncChannel): void {
  const { spec } = cfg;
  // Join the container's cgroup now, after Node's own start-up allocations (charged elsewhere).
  for (const f of cfg.cgroupProcs) fs.writeFileSync(f, '0');

  joinNamespaces(cfg);
  const newNs = (spec.linux?.namespaces ?? []).filter((n) => !n.path && n.type !== 'pid' && n.type !== 'user');
  let flags = 0;
  for (const ns of newNs) flags |= NAMESPACE_FLAGS[ns.type];
  if (flags) unshare(flags);
  const hasMountNs = (spec.linux?.namespaces ?? []).some((n) => n.type === 'mount');

  // The exec FIFO is reopened through /proc/self/fd after pivot_root, when its path is gone.
  const fifoPath = openRaw(cfg.execFifo, O_PATH | O_CLOEXEC);

  if (hasMountNs) prepareRootfs(cfg);
  ch.send({ type: 'hooks' });
  const reply = ch.receive();
  if (reply.type === 'error') throw new Error(reply.message);
  if (reply.type !== 'hooks-done') throw new Error(`unexpected message ${reply.type}`);
  const hostPid = reply.pid;
  runHooks('createContainer', spec.hooks?.createContainer, hookState(cfg, spec, 'created', hostPid));

  if (hasMountNs) {
    enterRootfs(cfg);
    finalizeRootfs(cfg);
  }
  if (spec.hostname !== undefined && spec.hostname !== '') sethostname(spec.hostname);
  if (spec.domainname) setdomainname(spec.domainname);
  for (const [key, value] of Object.entries(spec.linux?.sysctl ?? {})) {
    fs.writeFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, value);
  }
  if (!cfg.noNewKeyring) joinSessionKeyring(`_ses.${cfg.id}`);

  const proc = spec.process;
  if (!proc) throw new Error('config.json has no process to run');
  const prepared = prepareProcess(cfg, proc);
  applyIdentity(proc, spec.linux?.seccomp);

  ch.send({ type: 'ready' });
  closeFd(ch.fd);

  // Blocks until `start` opens the FIFO for reading.
  const fifo = fs.openSync(`/proc/self/fd/${fifoPath}`, fs.constants.O_WRONLY);
  fs.writeSync(fifo, '0');
  fs.closeSync(fifo);
  closeFd(fifoPath);
  runHooks('startContainer', spec.hooks?.startContainer, hookState(cfg, spec, 'running', hostPid));
  execProcess(cfg, proc, prepared);
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
