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
 * its namespaces are joined, which Node cannot.
 *
 * The stage exits as soon as the program runs, as runc's init stages do: it would otherwise count
 * in the container's cgroup (pids.max, `ps`, `kill --all`) and, detached, stay the parent of a
 * program nobody waits for. The program is then the caller's child: `exec` in the foreground
 * is a child subreaper (runtime/exec.ts), a detached one leaves it to its own subreaper or init.
 * What the program would inherit but would stop the stage from spawning it (RLIMIT_AS, DATA and
 * NPROC below Node's own use) the caller sets on the program with prlimit(2) while the program
 * waits, before its execve, in an open of a FIFO (the exec gate) that the caller then opens.
 * The seccomp filter is the stage's own from its load on: a profile must let the stage's last
 * calls through (write, close, clone3 or clone, mmap, exit_group), which Docker's and
 * containerd's defaults do (clone3 is ENOSYS there, and glibc falls back to clone).
 */
import type { InitConfig, SyncChannel } from '../sync';
import { NAMESPACE_FLAGS, CLONE_FS, CLONE_NEWPID, setnsFd, unshare } from '../../sys/ns';
import { O_CLOEXEC, O_PATH, openRaw, closeFd } from '../../sys/file';
import { applyIdentity, lastSteps, prepareProcess, preloadForRootfsChange, spawnProcess } from './process';
import { enterCgroup } from './create-stage';
import { fn } from '../../sys/libc';
import { DEFERRED_RLIMITS, deferredRlimits, spawnFailureStatus } from '../sync';
import { applyRlimits, setgroupsAllowed } from '../security/credentials';
import * as fs from 'node:fs';

export function runExec(cfg: InitConfig, ch: SyncChannel): void {
  enterCgroup(cfg, ch);
  preloadForRootfsChange(cfg);
  const proc = cfg.process ?? cfg.spec.process;
  if (!proc) throw new Error('no process to execute');
  // What needs our own /proc entry, before the mount namespace makes /proc the container's, where
  // we have none (we are no process of its PID namespace): the program inherits the score.
  const pidNs = cfg.pidNamespace ? openRaw(cfg.pidNamespace, O_CLOEXEC) : undefined;
  const gateFd = cfg.execGate ? openRaw(cfg.execGate, O_PATH | O_CLOEXEC) : undefined;
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
  // The program reopens the gate through its own /proc (the container's: we have no entry
  // there), so only where the container has one mounted; asked before any filter is loaded.
  const gated = gateFd !== undefined && fs.existsSync('/proc/sys');
  const prepared = prepareProcess(cfg, proc);
  applyIdentity(proc, cfg.spec.linux?.seccomp, undefined, DEFERRED_RLIMITS);
  lastSteps(cfg, proc);
  // The program waits before its execve at the gate, and the caller learns its pid from the
  // kernel (our child), not from us: our end of the socket is closed before the spawn, so that
  // nothing of the caller's is within reach of the program's vfork window (a process of the
  // container until the execve), and our status says the rest.
  if (gated && gateFd !== undefined) {
    ch.send({ type: 'spawning' });
    closeFd(ch.fd);
    let status = 0;
    try {
      spawnProcess(cfg, proc, prepared, { fd: gateFd, path: `/proc/self/fd/${gateFd}` });
    } catch (err) {
      status = spawnFailureStatus(err);
    }
    fn('void _exit(int)')(status);
  }
  const pid = spawnProcess(cfg, proc, prepared);
  // Without a gate, at once: the program is in its execve now (a few microseconds late).
  try { applyRlimits(deferredRlimits(proc), undefined, pid); } catch { /* best effort */ }
  ch.send({ type: 'ready', pid });
  // Straight to exit_group: Node's own teardown would be more calls under the program's filter.
  fn('void _exit(int)')(0);
}
