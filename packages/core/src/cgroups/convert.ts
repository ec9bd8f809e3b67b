/**
 * The v1 -> v2 value conversions runc 1.1 applies (libcontainer/cgroups/utils.go), so one
 * OCI config means the same on both hierarchies.
 */
import { InvalidArgumentError } from '../errors';

/** cpu.shares [2..262144] -> cpu.weight [1..10000], linearly (runc 1.1's formula). */
export function cpuSharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  return 1 + Math.floor((Math.max(shares, 2) - 2) * 9999 / 262142);
}

/** blkio.weight [10..1000] -> io.weight [1..10000]. */
export function blkioWeightToIoWeight(weight: number): number {
  if (weight === 0) return 0;
  return 1 + Math.floor((Math.max(weight, 10) - 10) * 9999 / 990);
}

/**
 * OCI memory.swap is memory+swap (v1's memsw); v2's memory.swap.max is swap alone.
 * Returns the v2 value: -1 for "max", 0 for none / not set (see the caller for the 0 case).
 */
export function memorySwapToV2(swap: number, memory: number): number {
  if (memory === -1 && swap === 0) return -1;
  if (swap === -1 || swap === 0) return swap;
  if (memory === 0 || memory === -1) throw new InvalidArgumentError('cgroup memory.swap: cannot set a swap limit without a memory limit');
  if (memory < 0) throw new InvalidArgumentError(`cgroup memory.limit: invalid value ${memory}`);
  if (swap < memory) throw new InvalidArgumentError(`cgroup memory.swap: memory+swap limit ${swap} must be >= memory limit ${memory}`);
  return swap - memory;
}

/** "2048kB" (a /sys/kernel/mm/hugepages entry's suffix) -> "2MB", as runc names page sizes. */
export function hugePageSizeName(dirName: string): string | undefined {
  const m = /^hugepages-(\d+)kB$/.exec(dirName);
  if (!m) return undefined;
  const kb = Number(m[1]);
  if (kb >= 1 << 20) return `${Math.floor(kb / (1 << 20))}GB`;
  if (kb >= 1 << 10) return `${Math.floor(kb / (1 << 10))}MB`;
  return `${kb}KB`;
}
