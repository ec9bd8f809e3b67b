/**
 * A reader of our output gone (`crictl logs -f … | head -1`, `ctr run … | head`): Go's tools die
 * of SIGPIPE there, which a shell sees as status 141, and so it sees berth's. Without this a
 * command that follows output would write into the broken pipe until the container exits.
 */
export function exitOnBrokenPipe(): void {
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE') (require('../sys/exec') as typeof import('../sys/exec')).exitNow(141);
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
}
