/**
 * OCI capability names -> the bit masks the init stage applies. Names unknown to the
 * table are a config error (as in runc 1.1); names the table knows but this kernel does
 * not (number past cap_last_cap) are left out, so a newer config still runs on an older kernel.
 */
import type { LinuxCapabilities } from '../../oci/types';
import { lastCap } from '../../sys/caps';
import { InvalidArgumentError } from '../../errors';
import { CAPABILITIES } from '../../oci/capabilities';


export interface CapabilityMasks {
  bounding: bigint;
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
  ambient: bigint;
}

export type CapabilitySet = keyof CapabilityMasks;
export const CAPABILITY_SETS: readonly CapabilitySet[] = ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'];

/** The number of a capability name ("CAP_KILL"; case-insensitive, "CAP_" optional as in `runc exec --cap`). */
export function capabilityNumber(name: string): number {
  const upper = name.toUpperCase();
  const key = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  const n = CAPABILITIES[key];
  if (n === undefined) throw new InvalidArgumentError(`capability ${name}: unknown capability`);
  return n;
}

/** The mask of `names`, leaving out capabilities past `last` (unknown to this kernel). */
export function capabilityMask(names: readonly string[] | undefined, last: number = lastCap()): bigint {
  let mask = 0n;
  for (const name of names ?? []) {
    const n = capabilityNumber(name);
    if (n <= last) mask |= 1n << BigInt(n);
  }
  return mask;
}

/**
 * The five masks for a process. Absent sets are empty, as in runc: a process without a
 * `capabilities` object runs with no capabilities at all.
 */
export function computeCapabilities(caps: LinuxCapabilities | undefined, last: number = lastCap()): CapabilityMasks {
  return {
    bounding: capabilityMask(caps?.bounding, last),
    effective: capabilityMask(caps?.effective, last),
    permitted: capabilityMask(caps?.permitted, last),
    inheritable: capabilityMask(caps?.inheritable, last),
    ambient: capabilityMask(caps?.ambient, last),
  };
}

/** The names of the capabilities in `mask`, in number order (for ps/exec output and messages). */
export function capabilityNames(mask: bigint): string[] {
  return Object.entries(CAPABILITIES)
    .filter(([, n]) => (mask >> BigInt(n)) & 1n)
    .sort((a, b) => a[1] - b[1])
    .map(([name]) => name);
}

/** Every capability name this runtime knows, in number order (`runc features`). */
export function knownCapabilities(): string[] {
  return Object.entries(CAPABILITIES).sort((a, b) => a[1] - b[1]).map(([name]) => name);
}

/**
 * `runc exec --cap X`: `extra` joins the bounding, effective and permitted sets; not the
 * inheritable set (runc stopped that after CVE-2022-29162), and the ambient set only when
 * the process has an inheritable set, since ambient needs inheritable to be raised.
 */
export function addCapabilities(caps: LinuxCapabilities | undefined, extra: readonly string[]): LinuxCapabilities {
  for (const name of extra) capabilityNumber(name); // validate before merging
  const add = (set: string[] | undefined): string[] => [...new Set([...(set ?? []), ...extra.map(normalize)])];
  const out: LinuxCapabilities = {
    ...caps,
    bounding: add(caps?.bounding),
    effective: add(caps?.effective),
    permitted: add(caps?.permitted),
  };
  if (caps?.inheritable) out.ambient = add(caps.ambient);
  return out;
}

function normalize(name: string): string {
  const upper = name.toUpperCase();
  return upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}
