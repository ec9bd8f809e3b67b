/** The last steps before the container's program runs: identity, console, fds, execve. */
import * as fs from 'node:fs';
import type { LinuxSeccomp, Process } from '../../oci/types';
import { deferredRlimits, SECCOMP_SPAWN_HINT, type InitConfig } from '../sync';
import { cloexecFrom, setCloexec } from '../../sys/file';
import { execve, newSession, resetNodeIgnoredSignals } from '../../sys/exec';
import { applyProcessSecurity, applyRlimits, loadSeccomp } from '../security/credentials';
import { lookPath } from './lookpath';
// Loaded eagerly: after pivot_root the host's files (this package included) are out of reach.
import { setupConsoleInContainer } from '../console';
import { preloadSeccomp } from '../../sys/seccomp';

/** Everything the init needs from the host's filesystem, loaded before it leaves it. */
export function preloadForRootfsChange(cfg: InitConfig): void {
  if (cfg.spec.linux?.seccomp) preloadSeccomp();
}

export interface PreparedProcess {
  path: string;
  env: string[];
  /** The container's pty slave, when the process has a terminal. */
  tty?: string;
}

/** Checks what can fail before `create` returns: the program must exist in the container. */
export function prepareProcess(cfg: InitConfig, proc: Process): PreparedProcess {
  const args = proc.args ?? [];
  if (args.length === 0) throw new Error('process.args must not be empty');
  const env = withHome(proc.env ?? [], proc.user.uid);
  const found = lookPath(args[0], env);
  if (!found) {
    if (!args[0].includes('/')) throw new Error(`exec: "${args[0]}": executable file not found in $PATH`);
    // A path that is there but cannot be run (a directory, no x bit) is runc's permission error.
    throw new Error(fs.existsSync(args[0]) ? `exec: "${args[0]}": permission denied` : `exec: "${args[0]}": stat ${args[0]}: no such file or directory`);
  }
  // Its own session, as runc's: out of the caller's job control (a terminal's setup keeps it).
  newSession();
  const tty = cfg.consoleFd !== undefined ? setupConsole(cfg.consoleFd, proc, cfg.mode === 'create') : undefined;
  // exec's stage sets it before it joins the mount namespace (exec-stage.ts).
  if (proc.oomScoreAdj !== undefined && cfg.mode === 'create') fs.writeFileSync('/proc/self/oom_score_adj', String(proc.oomScoreAdj));
  return { path: found, env, ...(tty !== undefined ? { tty } : {}) };
}

/** rlimits, capabilities, uid/gid, no_new_privs, cwd. */
export function applyIdentity(proc: Process, seccomp: LinuxSeccomp | undefined, defaultUmask?: number,
  skipRlimits?: ReadonlySet<string>): void {
  // Before any seccomp filter; what the init still writes then is its own pipes' business.
  resetNodeIgnoredSignals();
  // Without no_new_privs a filter can only be loaded with CAP_SYS_ADMIN: load it while still
  // privileged, before the user switch (as runc does); with NNP it waits until just before execve.
  applyProcessSecurity(proc, { seccomp: proc.noNewPrivileges ? undefined : seccomp, seccompBeforeUser: true, defaultUmask, skipRlimits });
  try {
    process.chdir(proc.cwd);
  } catch (err) {
    throw new Error(`chdir to cwd ("${proc.cwd}") set in config.json failed: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
}

/**
 * The steps before the program runs: the stdio and preserved fds kept, every other fd closed at
 * the exec, and (with no_new_privs) the seccomp filter last, so that nothing of ours runs under a
 * profile that may deny it (a deny-all profile made the fcntl calls fail unreported).
 */
export function lastSteps(cfg: InitConfig, proc: Process): void {
  for (let fd = 0; fd < 3 + cfg.preserveFds; fd++) {
    try { setCloexec(fd, false); } catch { /* not open */ }
  }
  cloexecFrom(3 + cfg.preserveFds);
  const seccomp = cfg.spec.linux?.seccomp;
  if (seccomp && proc.noNewPrivileges) loadSeccomp(seccomp);
}

export function execProcess(cfg: InitConfig, proc: Process, prepared: PreparedProcess): never {
  lastSteps(cfg, proc);
  // The limits that would starve Node itself (sync.ts DEFERRED_RLIMITS), just before the execve.
  applyRlimits(deferredRlimits(proc));
  execve(prepared.path, proc.args ?? [], prepared.env);
}

/**
 * As execProcess, the program spawned as our child instead (exec-stage.ts says why); its pid.
 * The caller has taken the lastSteps.
 */
export function spawnProcess(cfg: InitConfig, proc: Process, prepared: PreparedProcess, gate?: { fd: number; path: string }): number {
  const { spawnProgram } = require('../../sys/spawn') as typeof import('../../sys/spawn');
  try {
    // Its own session (runc's), its terminal taken as its controlling one there.
    return spawnProgram(prepared.path, proc.args ?? [], prepared.env, prepared.tty, gate);
  } catch (err) {
    // The filter is ours already: glibc's clone3 refused with EPERM (ENOSYS makes it use clone).
    if (cfg.spec.linux?.seccomp && (err as { errno?: string }).errno === 'EPERM') {
      // The errno kept: past "spawning" only it reaches the caller (exec-stage.ts).
      throw Object.assign(new Error(`${(err as Error).message} (${SECCOMP_SPAWN_HINT})`), { errno: 'EPERM' });
    }
    throw err;
  }
}

/** As runc: without HOME in the environment, the user's home from the container's /etc/passwd, or "/". */
function withHome(env: string[], uid: number): string[] {
  if (env.some((e) => e.startsWith('HOME='))) return env;
  let home = '/';
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length >= 6 && Number(f[2]) === uid && f[2] !== '') { home = f[5] || '/'; break; }
    }
  } catch { /* no passwd in the image */ }
  return [...env, `HOME=${home}`];
}

function setupConsole(consoleFd: number, proc: Process, create: boolean): string {
  // exec's program takes the terminal itself, in its own session (spawnProcess).
  const { slavePath } = setupConsoleInContainer(consoleFd, proc.consoleSize, { mountDevConsole: create, controlling: create });
  // The process's user must be able to use its terminal (runc's fixStdioPermissions).
  for (let fd = 0; fd <= 2; fd++) fs.fchownSync(fd, proc.user.uid, proc.user.gid);
  return slavePath;
}
