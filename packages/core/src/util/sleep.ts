/** Sleeps the calling thread: the runtime's and the cgroup managers' waits are synchronous by design. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
