/**
 * The init stage of `exec`: join a running container's cgroup and namespaces, then run the
 * program.
 *
 * The stage is a Node process whose start-up takes ~20 ms before any of this runs, in the host's
 * mount namespace with the host's node as its executable. Were it a process of the container's
 * PID namespace meanwhile, a process of the container with CAP_SYS_PTRACE could reach the host's
 * filesystem through /proc/<pid>/root (non-dumpable does not stop that capability). So the stage
 * stays out of it: it joins the PID namespace for its children only (setns), and the program is
 * its child, spawned once everything is applied (credentials, capabilities, seccomp are
 * inherited), the only process the container ever sees. runc gets the same from forking after
 * its namespaces are joined, which Node cannot. The stage then waits for the program and exits
 * with its status (the caller waits for the stage), or at once for a detached exec without a
 * terminal (with one, it stays: the program's terminal is the stage's session's).
 */
import type { InitConfig, SyncChannel } from '../sync';
import { NAMESPACE_FLAGS, CLONE_FS, CLONE_NEWPID, setnsFd, unshare } from '../../sys/ns';
import { O_CLOEXEC, openRaw, closeFd } from '../../sys/file';
import { applyIdentity, prepareProcess, preloadForRootfsChange, spawnProcess } from './process';
import { enterCgroup } from './create-stage';
import { setgroupsAllowed } from '../security/credentials';
import * as fs from 'node:fs';

export function runExec(cfg: InitConfig, ch: SyncChannel): void {
  enterCgroup(cfg, ch);
  preloadForRootfsChange(cfg);
  const { waitProgram } = require('../../sys/spawn') as typeof import('../../sys/spawn');
  const proc = cfg.process ?? cfg.spec.process;
  if (!proc) throw new Error('no process to execute');
  // What needs our own /proc entry, before the mount namespace makes /proc the container's, where
  // we have none (we are no process of its PID namespace): the program inherits the score.
  const pidNs = cfg.pidNamespace ? openRaw(cfg.pidNamespace, O_CLOEXEC) : undefined;
  if (proc.oomScoreAdj !== undefined) fs.writeFileSync('/proc/self/oom_score_adj', String(proc.oomScoreAdj));
  setgroupsAllowed();
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
  if (pidNs !== undefined) {
    // For our children only; while we still have the capabilities it takes.
    try {
      setnsFd(pidNs, CLONE_NEWPID, `pid namespace of container ${cfg.id}`);
    } finally {
      closeFd(pidNs);
    }
  }
  process.chdir('/');
  const prepared = prepareProcess(cfg, proc);
  applyIdentity(proc, cfg.spec.linux?.seccomp);
  const pid = spawnProcess(cfg, proc, prepared);
  ch.send({ type: 'spawned', pid });
  ch.send({ type: 'ready' });
  closeFd(ch.fd);
  const { exitNow } = require('../../sys/exec') as typeof import('../../sys/exec');
  if (cfg.detach && proc.terminal !== true) exitNow(0);
  exitNow(waitProgram(pid));
}
