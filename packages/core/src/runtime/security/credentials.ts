/**
 * The last steps of the init stage before execve: limits, capabilities, user, umask,
 * no_new_privs and seccomp, in runc's order. All of it is irreversible for the calling
 * process and acts on the calling thread (see sys/prctl.ts): call it from the main thread
 * of the init stage, which is the thread that execve's.
 */
import { readFileSync } from 'node:fs';
import type { LinuxCapabilities, LinuxSeccomp, POSIXRlimit, Process, User } from '../../oci/types';
import { InvalidArgumentError } from '../../errors';
import { capset, lastCap } from '../../sys/caps';
import { setgroups, setresgid, setresuid, umask } from '../../sys/creds';
import { capAmbientClearAll, capAmbientRaise, capBsetDrop, capBsetRead, setKeepCaps, setNoNewPrivs } from '../../sys/prctl';
import { RLIMITS, rlimitValue, setrlimit } from '../../sys/rlimit';
import { capabilityNames, computeCapabilities, type CapabilityMasks } from './capabilities';
import { loadSeccomp } from './seccomp';

export { loadSeccomp } from './seccomp';

/** What was applied differently from the config, for --debug logging by the caller. */
export interface SecurityReport {
  /** Ambient capabilities not raised because they are not both permitted and inheritable (runc ignores them too). */
  ambientSkipped: string[];
  /** Seccomp rules for syscall names libseccomp does not know. */
  ignoredSyscalls: string[];
}

/**
 * Sets the process's own limits (or `pid`'s); execve keeps them, so the user's program inherits
 * them. Done first, while the process still holds CAP_SYS_RESOURCE (raising a hard limit needs it).
 */
export function applyRlimits(rlimits: readonly POSIXRlimit[] | undefined, skip?: ReadonlySet<string>, pid = 0): void {
  for (const r of rlimits ?? []) {
    const resource = RLIMITS[r.type];
    if (resource === undefined) throw new InvalidArgumentError(`rlimit ${r.type}: unknown resource type`);
    const soft = rlimitValue(r.soft);
    const hard = rlimitValue(r.hard);
    if (soft > hard) throw new InvalidArgumentError(`rlimit ${r.type}: soft limit ${soft} exceeds hard limit ${hard}`);
    if (!skip?.has(r.type)) setrlimit(resource, soft, hard, pid);
  }
}

/** Drops every capability not in `bounding` from the bounding set (needs CAP_SETPCAP, so before capset). */
export function applyBoundingSet(bounding: bigint, last: number = lastCap()): void {
  for (let cap = 0; cap <= last; cap++) {
    if ((bounding >> BigInt(cap)) & 1n) continue;
    // Dropping an absent cap is harmless but would need CAP_SETPCAP; skip it.
    if (capBsetRead(cap)) capBsetDrop(cap);
  }
}

let setgroupsCached: boolean | undefined;

/**
 * Whether setgroups(2) is allowed here: a user namespace may have it denied (/proc/self/setgroups).
 * Read once: exec's stage asks before it joins the container's mount namespace, whose /proc has
 * no entry for it (it is not a process of the container's PID namespace).
 */
export function setgroupsAllowed(): boolean {
  if (setgroupsCached === undefined) {
    try {
      setgroupsCached = readFileSync('/proc/self/setgroups', 'utf8').trim() !== 'deny';
    } catch {
      setgroupsCached = true; // kernels before 3.19 have no such file and always allow it
    }
  }
  return setgroupsCached;
}

/**
 * Supplementary groups, then gid, then uid (the uid last: after it we may no longer
 * change the others). Without PR_SET_KEEPCAPS, leaving uid 0 empties the capability sets.
 */
export function applyUser(user: User): void {
  // runc skips setgroups when a user namespace denies it: the process keeps the groups it has.
  if (setgroupsAllowed()) setgroups(user.additionalGids ?? []);
  setresgid(user.gid, user.gid, user.gid);
  setresuid(user.uid, user.uid, user.uid);
}

/**
 * capset(effective, permitted, inheritable), then the ambient set. An ambient capability
 * can only be raised when it is permitted and inheritable; runc ignores the failure for the
 * others (its default spec lists ambient caps with no inheritable set), and so do we,
 * returning their names instead.
 */
export function applyCapabilitySets(masks: CapabilityMasks): string[] {
  capset({ effective: masks.effective, permitted: masks.permitted, inheritable: masks.inheritable });
  capAmbientClearAll();
  const raisable = masks.permitted & masks.inheritable;
  const skipped: string[] = [];
  for (let cap = 0n; masks.ambient >> cap; cap++) {
    if (!((masks.ambient >> cap) & 1n)) continue;
    if ((raisable >> cap) & 1n) capAmbientRaise(Number(cap));
    else skipped.push(capabilityNames(1n << cap)[0] ?? `capability ${cap}`);
  }
  return skipped;
}

/** Bounding set, then the other sets, for a process whose user does not change. */
export function applyCapabilities(caps: LinuxCapabilities | undefined): string[] {
  const masks = computeCapabilities(caps);
  applyBoundingSet(masks.bounding);
  return applyCapabilitySets(masks);
}

/**
 * runc's finalizeNamespace sequence: bounding set (needs CAP_SETPCAP), keep the permitted
 * caps across the uid change, user, then the final sets. `runc exec --cap/-u` reuse it.
 * Returns the ambient capabilities that could not be raised.
 */
export function applyCapabilitiesAndUser(caps: LinuxCapabilities | undefined, user: User): string[] {
  const masks = computeCapabilities(caps);
  applyBoundingSet(masks.bounding);
  setKeepCaps(true);
  applyUser(user);
  setKeepCaps(false);
  return applyCapabilitySets(masks);
}

export interface ProcessSecurityOptions {
  /** The container's filter; omit it to load it later yourself with loadSeccomp. */
  seccomp?: LinuxSeccomp;
  /**
   * Load seccomp before dropping privileges. Default as runc: before when no_new_privs is
   * off (then loading needs CAP_SYS_ADMIN, which the user may not keep), last otherwise (so
   * as few syscalls as possible run under the filter before execve).
   */
  seccompBeforeUser?: boolean;
  /** umask when `user.umask` is absent; runc's create uses 0o022, its exec leaves it alone. */
  defaultUmask?: number;
  /** rlimits left for the caller to set later (exec's stage: runtime/sync.ts DEFERRED_RLIMITS). */
  skipRlimits?: ReadonlySet<string>;
}

/** Applies the process's security settings to the calling process, in runc's order. */
export function applyProcessSecurity(p: Process, opts: ProcessSecurityOptions = {}): SecurityReport {
  const report: SecurityReport = { ambientSkipped: [], ignoredSyscalls: [] };
  const seccompBefore = opts.seccompBeforeUser ?? !p.noNewPrivileges;
  applyRlimits(p.rlimits, opts.skipRlimits);
  if (opts.seccomp && seccompBefore) report.ignoredSyscalls = loadSeccomp(opts.seccomp).ignoredSyscalls;
  report.ambientSkipped = applyCapabilitiesAndUser(p.capabilities, p.user);
  const mask = p.user.umask ?? opts.defaultUmask;
  if (mask !== undefined) umask(mask);
  if (p.noNewPrivileges) setNoNewPrivs();
  if (opts.seccomp && !seccompBefore) report.ignoredSyscalls = loadSeccomp(opts.seccomp).ignoredSyscalls;
  return report;
}
