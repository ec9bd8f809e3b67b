/**
 * capget(2)/capset(2) with the 64-bit (version 3) interface. glibc's capget/capset are the
 * bare syscalls (no thread broadcast), so they act on the calling thread only: the init
 * stage calls them from the main thread, the one that execve's.
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { call } from './libc';
import { SysError } from '../errors';

/** _LINUX_CAPABILITY_VERSION_3: two 32-bit data structs per set. */
export const LINUX_CAPABILITY_VERSION_3 = 0x20080522;

export interface CapSets {
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
}

// struct __user_cap_header_struct { u32 version; int pid; }
// struct __user_cap_data_struct { u32 effective, permitted, inheritable; } [2]
const HEADER_SIZE = 8;
// The kernel reads these as native-endian u32s.
const LE = endianness() === 'LE';
const DATA_SIZE = 12 * 2;

function header(pid: number): Buffer {
  const h = Buffer.alloc(HEADER_SIZE);
  if (LE) {
    h.writeUInt32LE(LINUX_CAPABILITY_VERSION_3, 0);
    h.writeInt32LE(pid, 4);
  } else {
    h.writeUInt32BE(LINUX_CAPABILITY_VERSION_3, 0);
    h.writeInt32BE(pid, 4);
  }
  return h;
}

const LOW = 0xffffffffn;

/** The capability sets of `pid` (0: the calling thread). */
export function capget(pid = 0): CapSets {
  const data = Buffer.alloc(DATA_SIZE);
  call('int capget(void *hdr, void *data)', 'capget', pid ? `pid ${pid}` : undefined, header(pid), data);
  const word = (i: number, field: number): bigint => BigInt(LE ? data.readUInt32LE(i * 12 + field * 4) : data.readUInt32BE(i * 12 + field * 4));
  const set = (field: number): bigint => word(0, field) | (word(1, field) << 32n);
  return { effective: set(0), permitted: set(1), inheritable: set(2) };
}

/** Sets the calling thread's effective, permitted and inheritable sets. */
export function capset(sets: CapSets): void {
  const data = Buffer.alloc(DATA_SIZE);
  const fields = [sets.effective, sets.permitted, sets.inheritable];
  fields.forEach((v, field) => {
    const lo = Number(v & LOW);
    const hi = Number((v >> 32n) & LOW);
    if (LE) {
      data.writeUInt32LE(lo, field * 4);
      data.writeUInt32LE(hi, 12 + field * 4);
    } else {
      data.writeUInt32BE(lo, field * 4);
      data.writeUInt32BE(hi, 12 + field * 4);
    }
  });
  call('int capset(void *hdr, const void *data)', 'capset', undefined, header(0), data);
}

let lastCapCache: number | undefined;

/** The highest capability number this kernel knows (CAP_LAST_CAP). */
export function lastCap(): number {
  if (lastCapCache === undefined) {
    let text: string;
    try {
      text = readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8');
    } catch (err) {
      throw new SysError('open', (err as NodeJS.ErrnoException).code ?? 'EIO', '/proc/sys/kernel/cap_last_cap');
    }
    lastCapCache = Number.parseInt(text.trim(), 10);
  }
  return lastCapCache;
}

/** The mask with every capability up to `last` set. */
export function allCapsMask(last: number = lastCap()): bigint {
  return (1n << BigInt(last + 1)) - 1n;
}
