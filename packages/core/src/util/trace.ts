/**
 * BERTH_TRACE=1 prints where a create/run/exec spends its time, as wall-clock milliseconds
 * (comparable across the CLI, the shim and the init stage), on stderr, or appended to
 * BERTH_TRACE_FILE when set: the shim and the init have the container's stdio as theirs while
 * they work, so a trace of `ctr run` needs the file. Off, it costs one env lookup.
 */
import * as fs from 'node:fs';

const on = process.env.BERTH_TRACE === '1';
const file = on ? process.env.BERTH_TRACE_FILE : undefined;
// Opened once (O_CLOEXEC, Node's default): the init stage keeps writing after pivot_root.
let fd: number | undefined;

export function traceLine(ms: number, what: string): string {
  return `berth-trace ${ms.toFixed(1)} ${process.pid} ${what}\n`;
}

export function writeTrace(text: string): void {
  if (!file) {
    fs.writeSync(2, text);
    return;
  }
  try {
    fd ??= fs.openSync(file, 'a');
    fs.writeSync(fd, text);
  } catch { /* tracing never fails a command */ }
}

// Each traced process reports the CPU it used (user+system ms) when it exits.
const EXIT_HOOK = Symbol.for('berth.trace-exit');
const g = globalThis as unknown as Record<symbol, boolean | undefined>;
if (on && !g[EXIT_HOOK]) {
  g[EXIT_HOOK] = true; // once per process, however many bundles hold a copy of this module
  process.once('exit', () => {
    const u = process.cpuUsage();
    trace(`exit: cpu ${(u.user / 1000).toFixed(1)}+${(u.system / 1000).toFixed(1)} ms`);
  });
}

export function trace(what: string): void {
  if (on) writeTrace(traceLine(performance.timeOrigin + performance.now(), what));
}

/** Node's own start-up of this process, before any of our code: its start and our entry. */
export function traceProcessStart(who: string): void {
  if (on) writeTrace(traceLine(performance.timeOrigin, `${who}: process start`) + traceLine(performance.timeOrigin + performance.now(), `${who}: entry`));
}

/** What a process berth starts needs in its environment to trace as this one does. */
export function traceEnv(): Record<string, string> {
  if (!on) return {};
  return file ? { BERTH_TRACE: '1', BERTH_TRACE_FILE: file } : { BERTH_TRACE: '1' };
}
