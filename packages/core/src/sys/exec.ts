/** execve(2): replaces the whole process (every Node thread goes with it). */
import { call, fn, libcLoaded } from './libc';

const NODE_IGNORED_SIGNALS = [13 /* SIGPIPE */, 25 /* SIGXFSZ */];

/**
 * Node ignores SIGPIPE and SIGXFSZ for itself, and execve keeps ignored dispositions (handlers are
 * reset): without this every container process would start with both ignored, a pipeline's
 * writer getting EPIPE instead of dying. runc's containers start with the defaults. Called
 * before a seccomp filter is loaded (one without rt_sigaction would kill us here).
 */
export function resetNodeIgnoredSignals(): void {
  const signal = fn('void *signal(int, void *)');
  for (const sig of NODE_IGNORED_SIGNALS) signal(sig, null); // SIG_DFL
}

/**
 * Makes the process the leader of a new session (and process group), as runc's init does for every
 * container process: a container started from a shell script is then out of reach of the
 * script's job control (a Ctrl-C, a `kill -- -PGID`). A process that leads a group already (a
 * detached spawn, or one given a terminal) keeps its own.
 */
export function newSession(): void {
  const pid = call('int getpid(void)', 'getpid', undefined);
  // A group leader cannot start a session (EPERM): it keeps the group it leads.
  if (call('int getsid(int)', 'getsid', undefined, 0) === pid || call('int getpgid(int)', 'getpgid', undefined, 0) === pid) return;
  call('int setsid(void)', 'setsid', 'a session of its own');
}

export function execve(path: string, argv: string[], env: string[]): never {
  // NULL-terminated arrays: koffi maps a JS array to `const char **` and we add the terminator.
  call('int execve(const char *, const char **, const char **)', 'execve', path, path, [...argv, null], [...env, null]);
  throw new Error('unreachable: execve returned');
}

/**
 * Ends the process with `code` once its 'exit' listeners have run (code caches, the metadata
 * connection, traces), without Node's own teardown: ~2-4 ms at the end of a `run`, which its
 * caller waits for. Only where koffi is loaded already (the container commands; elsewhere loading
 * it would cost what it saves): else process.exit. Whatever was written to stdout and stderr is
 * out by then (synchronous on Linux for files, pipes and terminals).
 */
export function exitNow(code: number): never {
  if (libcLoaded()) {
    const exit = fn('void _exit(int)');
    // Registered last: every listener registered before runs first.
    process.once('exit', (c: number) => {
      // An earlier listener may have changed the status (cli/output-errors.ts: a failed stdout).
      if (process.env.BERTH_SOFT_EXIT !== '1') exit(typeof process.exitCode === 'number' ? process.exitCode : c);
    });
  }
  process.exit(code);
}
