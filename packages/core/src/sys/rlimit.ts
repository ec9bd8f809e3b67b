/**
 * Resource limits through prlimit(2) with 64-bit values (struct rlimit64: two uint64), so
 * RLIM_INFINITY and large limits round-trip exactly as bigints.
 */
import { endianness } from 'node:os';
import { call } from './libc';
import { InvalidArgumentError } from '../errors';

export const RLIM_INFINITY = 0xffffffffffffffffn;

// Resource numbers: one table, beside the config.json names it validates.
import { RLIMITS } from '../oci/rlimits';

export { RLIMITS };

export interface Rlimit {
  soft: bigint;
  hard: bigint;
}

const PROTO = 'int prlimit(int pid, int resource, const void *newLimit, void *oldLimit)';
const TWO_64 = 2 ** 64;
// struct rlimit64 holds native-endian uint64s.
const LE = endianness() === 'LE';

/**
 * A limit as uint64. JSON numbers cannot hold 2^64-1 exactly (it parses as 2^64), so any
 * value at or past 2^64 means RLIM_INFINITY, as it does for runc's uint64 fields.
 */
export function rlimitValue(v: bigint | number): bigint {
  if (typeof v === 'bigint') {
    if (v < 0n) throw new InvalidArgumentError(`rlimit value ${v}: must not be negative`);
    return v >= RLIM_INFINITY ? RLIM_INFINITY : v;
  }
  if (!Number.isFinite(v) || v < 0 || !Number.isInteger(v)) {
    throw new InvalidArgumentError(`rlimit value ${v}: not a non-negative integer`);
  }
  return v >= TWO_64 ? RLIM_INFINITY : BigInt(v);
}

function resourceName(resource: number): string {
  return Object.keys(RLIMITS).find((k) => RLIMITS[k] === resource) ?? `resource ${resource}`;
}

/** Sets a process's limit (pid 0: the caller's); raising a hard limit needs CAP_SYS_RESOURCE. */
export function setrlimit(resource: number, soft: bigint | number, hard: bigint | number, pid = 0): void {
  const buf = Buffer.alloc(16);
  const [s, h] = [rlimitValue(soft), rlimitValue(hard)];
  if (LE) {
    buf.writeBigUInt64LE(s, 0);
    buf.writeBigUInt64LE(h, 8);
  } else {
    buf.writeBigUInt64BE(s, 0);
    buf.writeBigUInt64BE(h, 8);
  }
  call(PROTO, 'prlimit', resourceName(resource), pid, resource, buf, null);
}

/** The calling process's limit. */
export function getrlimit(resource: number): Rlimit {
  const buf = Buffer.alloc(16);
  call(PROTO, 'prlimit', resourceName(resource), 0, resource, null, buf);
  return LE
    ? { soft: buf.readBigUInt64LE(0), hard: buf.readBigUInt64LE(8) }
    : { soft: buf.readBigUInt64BE(0), hard: buf.readBigUInt64BE(8) };
}
