/**
 * A task's io and the foreground relay (tasks start, run, attach), free of the CLI framework:
 * `ctr run`'s fast path (src/fast.ts) uses them as the oclif commands do.
 */
import type { StartedTask, TaskIo } from '@berth/core/dist/services/tasks';

export function taskIo(flags: { 'null-io'?: boolean; 'log-uri'?: string }): TaskIo {
  if (flags['null-io']) return { kind: 'null' };
  const uri = flags['log-uri'];
  if (uri) {
    let u: URL;
    try { u = new URL(uri); } catch { return { kind: 'log', path: requireAbsolute(uri) }; }
    if (u.protocol !== 'file:') throw new Error(`log-uri ${uri}: only file:// is supported by berth (no binary logging plugins)`);
    return { kind: 'log', path: requireAbsolute(decodeURIComponent(u.pathname)) };
  }
  return { kind: 'fifo' };
}

function requireAbsolute(p: string): string {
  if (!p.startsWith('/')) throw new Error(`log-uri ${p}: must be an absolute path (file:///path)`);
  return p;
}

/** The terminal size of our stdout/stdin, for the container's pty. */
export function consoleSize(): { rows: number; cols: number } | undefined {
  const { getWinsize, isTerminal } = require('@berth/core/dist/sys/pty') as typeof import('@berth/core/dist/sys/pty');
  const fd = [1, 0, 2].find((f) => isTerminal(f));
  if (fd === undefined) return undefined;
  try { const ws = getWinsize(fd); return ws.rows > 0 ? { rows: ws.rows, cols: ws.cols } : undefined; } catch { return undefined; }
}

/**
 * In the foreground: relays stdio (kept apart), forwards our signals to the task (not with a
 * terminal: there ^C is a byte for the container), and returns the task's exit status.
 */
export async function foreground(state: string, ns: string, id: string, started: StartedTask | { io?: StartedTask['io'] }, terminal: boolean): Promise<number> {
  const tasks = require('@berth/core/dist/services/tasks') as typeof import('@berth/core/dist/services/tasks');
  const { isTerminal } = require('@berth/core/dist/sys/pty') as typeof import('@berth/core/dist/sys/pty');
  // A reader of our output gone: Go's ctr dies of SIGPIPE and leaves the task running.
  (require('@berth/core/dist/cli/output-errors') as typeof import('@berth/core/dist/cli/output-errors')).exitOnBrokenPipe();
  const relay = started.io?.relay({
    stdin: process.stdin, stdout: process.stdout, stderr: process.stderr,
    sizeFrom: terminal ? [1, 0, 2].find((f) => isTerminal(f)) : undefined,
  });
  // SIGPIPE is ours: a reader of our output gone ends us with 141 (above), as Go's ctr.
  const stopForwarding = terminal ? () => undefined
    : (require('@berth/core/dist/runtime/foreground') as typeof import('@berth/core/dist/runtime/foreground')).forwardSignals((sig) => tasks.killTask(state, ns, id, sig), ['SIGPIPE']);
  try {
    const exit = await tasks.waitTaskExit(state, ns, id);
    if (relay) {
      // The container's writers are gone with it, unless something it started holds them.
      await (require('@berth/core/dist/util/output-grace') as typeof import('@berth/core/dist/util/output-grace')).outputEndedOrGrace(relay.done);
      relay.abort();
    }
    return exit.status;
  } finally {
    stopForwarding();
  }
}

/** Writes what is pending on stdout/stderr, then exits with `code`. */
export async function exitAfterFlush(code: number): Promise<never> {
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  await new Promise<void>((r) => process.stderr.write('', () => r()));
  return (require('@berth/core/dist/sys/exec') as typeof import('@berth/core/dist/sys/exec')).exitNow(code);
}
