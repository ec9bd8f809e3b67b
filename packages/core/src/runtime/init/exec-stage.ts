/** The init stage of `exec`: join a running container's cgroup and namespaces, then execve. */
import type { InitConfig, SyncChannel } from '../sync';
import { NAMESPACE_FLAGS, CLONE_FS, setnsFd, unshare } from '../../sys/ns';
import { O_CLOEXEC, openRaw, closeFd } from '../../sys/file';
import { applyIdentity, execProcess, prepareProcess, preloadForRootfsChange } from './process';
import { enterCgroup } from './create-stage';

export function runExec(cfg: InitConfig, ch: SyncChannel): void {
  enterCgroup(cfg, ch);
  preloadForRootfsChange(cfg);
  // Order matters: the mount namespace last, after every other file was opened on the host side.
  const order = ['user', 'ipc', 'uts', 'network', 'cgroup', 'time', 'mount'];
  const entries = [...cfg.joinNamespaces].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  const fds = entries.map((ns) => ({ ns, fd: openRaw(ns.path, O_CLOEXEC) }));
  for (const { ns, fd } of fds) {
    if (ns.type === 'mount') unshare(CLONE_FS);
    try {
      setnsFd(fd, NAMESPACE_FLAGS[ns.type], `${ns.type} namespace of container ${cfg.id}`);
    } finally {
      closeFd(fd);
    }
  }
  process.chdir('/');
  const proc = cfg.process ?? cfg.spec.process;
  if (!proc) throw new Error('no process to execute');
  const prepared = prepareProcess(cfg, proc);
  applyIdentity(proc, cfg.spec.linux?.seccomp);
  ch.send({ type: 'ready' });
  closeFd(ch.fd);
  execProcess(cfg, proc, prepared);
}
