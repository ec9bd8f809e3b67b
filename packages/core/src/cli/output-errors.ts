/**
 * What a CLI does when its own output fails. Node reports a failed write to stdout as an 'error'
 * event, and with no listener (oclif's command module adds one that rethrows) that is an uncaught
 * exception: a stack trace over the bundle's source for `ctr c ls > /dev/full`. berth answers as
 * Go's tools do for a listing (`ctr: write /dev/stdout: no space left on device`, exit 1), in each
 * tool's words — but only once the command is done: work under way (an import, a pod's creation,
 * the stop of several pods) is never cut short by its output.
 */

/** Go's strerror words where Node's (libuv's) differ. */
const GO_WORDS: Record<string, string> = { EIO: 'input/output error' };

/** `write /dev/stdout: no space left on device`, as Go's os.File names a failed write. */
export function outputError(fd: 1 | 2, err: NodeJS.ErrnoException): Error {
  const words = (err.code && GO_WORDS[err.code]) ?? /^E[A-Z0-9]+: ([^,]+)/.exec(err.message)?.[1] ?? err.message;
  const e = new Error(`write /dev/${fd === 1 ? 'stdout' : 'stderr'}: ${words}`) as NodeJS.ErrnoException;
  e.code = err.code;
  return e;
}

let reporter: ((message: string) => void) | undefined;
let failed = false;

/** The tool's printer of an error line (`ctr: …`, runc's log line, crictl's fatal line); it only prints. */
export function setOutputErrorReporter(report: (message: string) => void): void {
  reporter = report;
}

/**
 * A write to stdout failed (not EPIPE: a reader gone stays quiet). The command goes on; when the
 * process exits, the failure is reported once and the exit status is 1 unless it was already
 * another failure. The rest of the output is dropped.
 */
export function stdoutFailed(err: NodeJS.ErrnoException): void {
  if (failed) return;
  failed = true;
  const message = outputError(1, err).message;
  process.once('exit', (code) => {
    reporter?.(message);
    if (!code) process.exitCode = 1;
  });
}

/**
 * For commands that print their result (oclif's path): stdout's errors as stdoutFailed; stderr's
 * have nowhere to go. Any other listener goes: oclif's command module adds one that rethrows
 * (runOclif loads it first).
 */
export function reportOutputErrors(report: (message: string) => void): void {
  setOutputErrorReporter(report);
  process.stdout.removeAllListeners('error');
  process.stderr.removeAllListeners('error');
  process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code !== 'EPIPE') stdoutFailed(err); });
  process.stderr.on('error', () => undefined);
}

/**
 * For relays of output (`crictl logs -f … | head -1`, `ctr run … | head`): a reader gone ends us
 * with 141, as Go's tools die of SIGPIPE there; otherwise a command that follows output would
 * write into the broken pipe until the container exits. Other failures: a relay of a container's
 * own stdio ('drop': ctr's run, exec, attach) stops taking output, as ctr's copy does, and the
 * task's status decides; `crictl logs` ('fail'), whose output is its result, ends with the
 * failure, as kubelet's log reader returns it.
 */
export function exitOnBrokenPipe(others: 'drop' | 'fail' = 'drop'): void {
  // The relay owns these errors: oclif's command module rethrows every one but EPIPE.
  process.stdout.removeAllListeners('error');
  process.stderr.removeAllListeners('error');
  const exitNow = (code: number): never => (require('../sys/exec') as typeof import('../sys/exec')).exitNow(code);
  const onError = (fd: 1 | 2) => (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE') exitNow(141);
    if (others === 'fail' && fd === 1) {
      reporter?.(outputError(1, err).message);
      exitNow(1);
    }
  };
  process.stdout.on('error', onError(1));
  process.stderr.on('error', onError(2));
}
