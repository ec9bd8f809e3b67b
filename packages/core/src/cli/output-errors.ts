/**
 * What a CLI does when its own output fails. Node reports a failed write to stdout as an 'error'
 * event, and with no listener that is an uncaught exception: a stack trace over the bundle's
 * source for `ctr c ls > /dev/full`. Go's tools answer in one line (`ctr: write /dev/stdout: no
 * space left on device`, exit 1), and berth does the same, in each tool's words.
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

/**
 * For commands that print a result: a write to stdout that fails (other than a reader gone, which
 * stays quiet) is reported by `fatal` in the tool's words, which exits. stderr's own failures have
 * nowhere to be reported and are dropped.
 */
export function reportOutputErrors(fatal: (message: string) => void): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return;
    fatal(outputError(1, err).message);
  });
  process.stderr.on('error', () => undefined);
}

/**
 * For relays of a container's output (`crictl logs -f … | head -1`, `ctr run … | head`): a reader
 * gone ends us with 141, as Go's tools die of SIGPIPE there; otherwise a command that follows
 * output would write into the broken pipe until the container exits. Other failures (a full disk,
 * a hung-up terminal) drop the output, as ctr's copy does, and the task's status still decides.
 */
export function exitOnBrokenPipe(): void {
  // The relay owns these errors: oclif's command module rethrows every one but EPIPE (an uncaught
  // exception once more), and the report above is for printed results.
  process.stdout.removeAllListeners('error');
  process.stderr.removeAllListeners('error');
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE') (require('../sys/exec') as typeof import('../sys/exec')).exitNow(141);
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
}
