/**
 * After a process exits, its output is still taken until every writer is gone — at most this
 * long, as containerd's shim and ctr wait: something it started in the background may hold the
 * pipes for ever.
 */
export const OUTPUT_GRACE_MS = 2000;

/**
 * Resolves once `ended` does, or when the grace period is over. The timer keeps the process alive
 * meanwhile (an output that failed never ends: an unref'd timer let Node exit before the caller's
 * cleanup) and is cleared once `ended` wins.
 */
export async function outputEndedOrGrace(ended: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([ended, new Promise<void>((resolve) => { timer = setTimeout(resolve, OUTPUT_GRACE_MS); })]);
  clearTimeout(timer);
}
