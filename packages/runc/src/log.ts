import * as fs from 'node:fs';
import { logrusLine } from '@berth/core/dist/cli/logrus';
import { writeStderr } from '@berth/core/dist/cli/write-out';

/** runc logs through logrus: `time="..." level=error msg="..."`, or JSON with --log-format json. */
export function formatError(message: string, format: 'text' | 'json'): string {
  return logrusLine(message, 'error', format);
}

/** The value of a global flag as `--name value` or `--name=value`. */
export function flagValue(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i].startsWith(`${name}=`)) return argv[i].slice(name.length + 1);
  }
  return undefined;
}

/**
 * As runc: the error goes to the log as one logrus line (text or JSON); with `--log FILE` the
 * line is appended to FILE and stderr gets the bare message (what containerd's shim reads).
 * `argv`: the command's arguments, global flags included.
 */
export function report(argv: string[], message: string, level: 'error' | 'warning' = 'error'): void {
  const line = logrusLine(message, level, flagValue(argv, '--log-format') === 'json' ? 'json' : 'text');
  const log = flagValue(argv, '--log');
  if (log && log !== '/dev/stderr') {
    try {
      fs.appendFileSync(log, line);
    } catch { /* the log is best effort; stderr still says it */ }
    writeStderr(`${message}\n`);
    return;
  }
  writeStderr(line);
}

/**
 * runc opens `--log FILE` (creating it) before it runs any command, so the file exists even when
 * nothing is logged: containerd's shim reads it after every failed call and reports "unable to
 * retrieve OCI runtime error" when it is missing. `argv` is the command line as given: the global
 * flags before the command word (so a container's own `--log` argument is never taken for it).
 * An unopenable log is not an error of its own.
 */
export function openLog(argv: string[], withValue: readonly string[]): void {
  let log: string | undefined;
  for (let i = 0; i < argv.length && argv[i].startsWith('-'); i++) {
    if (argv[i].startsWith('--log=')) log = argv[i].slice(6);
    else if (argv[i] === '--log') log = argv[i + 1];
    if (withValue.includes(argv[i])) i++;
  }
  if (!log || log === '/dev/stderr') return;
  try {
    fs.closeSync(fs.openSync(log, 'a', 0o644));
  } catch { /* the failing command still reports on stderr */ }
}
