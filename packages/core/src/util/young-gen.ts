/**
 * Empties V8's young generation while a process has nothing else to do. The init stage's start
 * (Node, its bundle through the code cache, koffi) fills the 1 MB young generation with objects
 * that all live on; left there, the scavenges that copy and then promote them (3-5 ms each on a
 * slow VM) come while it works on the container, after its config arrived. Two minor GCs while it
 * still waits for that config promote them off the critical path.
 *
 * `gc` is V8's own, reached as V8 allows it: --expose-gc set at run time puts it on the globals of
 * a new context. The flag is unset at once: V8 refuses code caches made under other flags, and
 * Node's own modules loaded later compile from its cache.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

type Gc = (options: { type: 'minor' | 'major' }) => void;

/** Never fails: without V8's `gc` (another engine, another Node) nothing is done. */
export function settleYoungGeneration(): void {
  let gc: unknown;
  try {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc');
  } catch {
    return;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
  if (typeof gc !== 'function') return;
  // The first copies the survivors within the young generation, the second promotes them.
  (gc as Gc)({ type: 'minor' });
  (gc as Gc)({ type: 'minor' });
}
