/** Spawning into a PID namespace from a multithreaded process. */
import type { Spec } from '../oci/types';
import { closeFd, openRaw, O_CLOEXEC } from '../sys/file';
import { CLONE_NEWPID, setnsFd, setnsPath, unshare } from '../sys/ns';

/**
 * Spawns with the PID namespace of the spec: the parent's main thread unshares (or joins) it for
 * its children, spawns, then returns to its own. (The init stage cannot do it itself: a PID
 * namespace change only applies to the caller's future children.)
 */
export function spawnInPidNamespace<T>(spec: Spec, doSpawn: () => T, joinPath?: string): T {
  const pidNs = spec.linux?.namespaces?.find((n) => n.type === 'pid');
  const target = joinPath ?? pidNs?.path;
  if (!pidNs && !joinPath) return doSpawn();
  const own = openRaw('/proc/self/ns/pid', O_CLOEXEC);
  try {
    if (target) setnsPath(target, CLONE_NEWPID); else unshare(CLONE_NEWPID);
    try {
      return doSpawn();
    } finally {
      setnsFd(own, CLONE_NEWPID, 'own pid namespace');
    }
  } finally {
    closeFd(own);
  }
}

