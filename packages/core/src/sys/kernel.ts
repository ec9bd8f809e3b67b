/** The running kernel's version, for behaviour that changed between releases. */
import { readSmallFile } from './small-file';

let release: [number, number] | undefined;

/** True when the running kernel is at least `major.minor` (read once from /proc). */
export function kernelAtLeast(major: number, minor: number): boolean {
  if (release === undefined) {
    // One small read, not node:os (loading it costs more than a listing saves with it).
    const m = /^(\d+)\.(\d+)/.exec(readSmallFile('/proc/sys/kernel/osrelease') ?? '');
    release = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  }
  return release[0] > major || (release[0] === major && release[1] >= minor);
}
