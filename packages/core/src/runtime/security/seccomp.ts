/**
 * OCI `linux.seccomp` -> a libseccomp filter, following runc's translation: unknown syscall
 * names are skipped (the kernel or libseccomp may be older than the profile), rules whose
 * action equals the default action are skipped (libseccomp rejects them), and when two
 * conditions test the same argument each becomes its own rule (libseccomp cannot AND two
 * comparisons of one argument), so they match as an OR.
 */
import type { LinuxSeccomp, LinuxSeccompArg } from '../../oci/types';
import { InvalidArgumentError, UnsupportedError } from '../../errors';
import {
  SCMP_FLTATR_API_SYSRAWRC,
  SCMP_FLTATR_CTL_LOG,
  SCMP_FLTATR_CTL_NNP,
  SCMP_FLTATR_CTL_SSB,
  SCMP_FLTATR_CTL_TSYNC,
  seccompArchAdd,
  seccompArchResolveName,
  seccompAttrSet,
  seccompInit,
  seccompLoad,
  seccompRelease,
  seccompRuleAddArray,
  seccompSyscallResolveName,
  type ScmpArgCmp,
} from '../../sys/seccomp';

const EPERM = 1;
const SCMP_ACT_ERRNO = 0x00050000;
const SCMP_ACT_TRACE = 0x7ff00000;

/** Fixed action values; ERRNO and TRACE carry a 16-bit return code in their low bits. */
const ACTIONS: Readonly<Record<string, number>> = {
  SCMP_ACT_KILL: 0x00000000,
  SCMP_ACT_KILL_PROCESS: 0x80000000,
  SCMP_ACT_KILL_THREAD: 0x00000000,
  SCMP_ACT_TRAP: 0x00030000,
  SCMP_ACT_ERRNO,
  SCMP_ACT_TRACE,
  SCMP_ACT_ALLOW: 0x7fff0000,
  SCMP_ACT_LOG: 0x7ffc0000,
};

const OPERATORS: Readonly<Record<string, number>> = {
  SCMP_CMP_NE: 1,
  SCMP_CMP_LT: 2,
  SCMP_CMP_LE: 3,
  SCMP_CMP_EQ: 4,
  SCMP_CMP_GE: 5,
  SCMP_CMP_GT: 6,
  SCMP_CMP_MASKED_EQ: 7,
};

/** OCI architecture names -> libseccomp's names. */
const ARCHES: Readonly<Record<string, string>> = {
  SCMP_ARCH_X86: 'x86',
  SCMP_ARCH_X86_64: 'x86_64',
  SCMP_ARCH_X32: 'x32',
  SCMP_ARCH_ARM: 'arm',
  SCMP_ARCH_AARCH64: 'aarch64',
  SCMP_ARCH_MIPS: 'mips',
  SCMP_ARCH_MIPS64: 'mips64',
  SCMP_ARCH_MIPS64N32: 'mips64n32',
  SCMP_ARCH_MIPSEL: 'mipsel',
  SCMP_ARCH_MIPSEL64: 'mipsel64',
  SCMP_ARCH_MIPSEL64N32: 'mipsel64n32',
  SCMP_ARCH_PPC: 'ppc',
  SCMP_ARCH_PPC64: 'ppc64',
  SCMP_ARCH_PPC64LE: 'ppc64le',
  SCMP_ARCH_S390: 's390',
  SCMP_ARCH_S390X: 's390x',
  SCMP_ARCH_PARISC: 'parisc',
  SCMP_ARCH_PARISC64: 'parisc64',
  SCMP_ARCH_RISCV64: 'riscv64',
};

/** Flags -> the libseccomp attribute they set; TSYNC is always on, so it maps to nothing. */
const FLAGS: Readonly<Record<string, number | null>> = {
  SECCOMP_FILTER_FLAG_TSYNC: null,
  SECCOMP_FILTER_FLAG_LOG: SCMP_FLTATR_CTL_LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: SCMP_FLTATR_CTL_SSB,
};

/** Syscalls take at most six arguments. */
const MAX_ARGS = 6;

/** Actions this runtime applies (`runc features`); SCMP_ACT_NOTIFY is not among them. */
export function seccompActions(): string[] {
  return Object.keys(ACTIONS).sort();
}

export function seccompOperators(): string[] {
  return Object.keys(OPERATORS).sort();
}

export function seccompArches(): string[] {
  return Object.keys(ARCHES).sort();
}

/** Filter flags this runtime accepts (known and supported are the same set). */
export function seccompFlags(): string[] {
  return Object.keys(FLAGS).sort();
}

/** The numeric action for an OCI action name; `errnoRet` applies to ERRNO and TRACE (default EPERM). */
export function seccompAction(name: string, errnoRet?: number): number {
  if (name === 'SCMP_ACT_NOTIFY') {
    throw new UnsupportedError('seccomp action SCMP_ACT_NOTIFY: user notification is not supported by this runtime');
  }
  const base = ACTIONS[name];
  if (base === undefined) throw new InvalidArgumentError(`seccomp action ${name}: unknown action`);
  if (errnoRet !== undefined && (!Number.isInteger(errnoRet) || errnoRet < 0 || errnoRet > 0xffff)) {
    throw new InvalidArgumentError(`seccomp action ${name}: errnoRet ${errnoRet} out of range`);
  }
  if (base === SCMP_ACT_ERRNO || base === SCMP_ACT_TRACE) return (base | ((errnoRet ?? EPERM) & 0xffff)) >>> 0;
  return base;
}

/** uint64 from a JSON number; 2^64-1 parses as 2^64, so anything past the range is clamped. */
function datum(v: number, what: string): bigint {
  if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(`${what}: ${v} is not an unsigned 64-bit integer`);
  const b = BigInt(v);
  return b > 0xffffffffffffffffn ? 0xffffffffffffffffn : b;
}

function condition(name: string, a: LinuxSeccompArg): ScmpArgCmp {
  if (!Number.isInteger(a.index) || a.index < 0 || a.index >= MAX_ARGS) {
    throw new InvalidArgumentError(`seccomp rule for ${name}: argument index ${a.index} out of range 0-${MAX_ARGS - 1}`);
  }
  const op = OPERATORS[a.op];
  if (op === undefined) throw new InvalidArgumentError(`seccomp rule for ${name}: unknown operator ${a.op}`);
  return {
    arg: a.index,
    op,
    datumA: datum(a.value, `seccomp rule for ${name} value`),
    datumB: datum(a.valueTwo ?? 0, `seccomp rule for ${name} valueTwo`),
  };
}

export interface SeccompRule {
  name: string;
  action: number;
  /** Each entry is one libseccomp rule; its comparisons are ANDed. */
  conditions: ScmpArgCmp[][];
}

/** A validated profile, independent of libseccomp (so it can be checked at create time). */
export interface SeccompPlan {
  defaultAction: number;
  /** libseccomp arch names added to the native one. */
  arches: string[];
  /** libseccomp attributes set to 1 from `flags`. */
  attributes: number[];
  rules: SeccompRule[];
}

/** Validates and translates a profile; throws InvalidArgumentError/UnsupportedError. */
export function planSeccomp(profile: LinuxSeccomp): SeccompPlan {
  const defaultAction = seccompAction(profile.defaultAction, profile.defaultErrnoRet);
  const arches = (profile.architectures ?? []).map((a) => {
    const name = ARCHES[a];
    if (!name) throw new InvalidArgumentError(`seccomp architecture ${a}: unknown architecture`);
    return name;
  });
  const attributes: number[] = [];
  for (const f of profile.flags ?? []) {
    if (!(f in FLAGS)) throw new UnsupportedError(`seccomp flag ${f}: not supported by this runtime`);
    const attr = FLAGS[f];
    if (attr !== null && attr !== undefined) attributes.push(attr);
  }
  const rules: SeccompRule[] = [];
  for (const sc of profile.syscalls ?? []) {
    const action = seccompAction(sc.action, sc.errnoRet);
    for (const name of sc.names ?? []) {
      const conds = (sc.args ?? []).map((a) => condition(name, a));
      if (action === defaultAction) continue;
      const perIndex = new Set(conds.map((c) => c.arg));
      const separate = perIndex.size < conds.length;
      rules.push({ name, action, conditions: separate ? conds.map((c) => [c]) : [conds] });
    }
  }
  return { defaultAction, arches, attributes, rules };
}

export interface SeccompLoadResult {
  /** Syscall names libseccomp does not know; skipped as runc does. */
  ignoredSyscalls: string[];
}

/**
 * Builds and installs the filter on every thread of this process (TSYNC: Node's threads
 * must not be left unfiltered). no_new_privs is not forced (CTL_NNP cleared, as runc):
 * loading then needs CAP_SYS_ADMIN unless the caller set no_new_privs itself.
 */
export function loadSeccomp(profile: LinuxSeccomp): SeccompLoadResult {
  const plan = planSeccomp(profile);
  const ignoredSyscalls: string[] = [];
  const ctx = seccompInit(plan.defaultAction);
  try {
    for (const name of plan.arches) {
      const token = seccompArchResolveName(name);
      if (!token) throw new UnsupportedError(`seccomp architecture ${name}: not supported by libseccomp`);
      seccompArchAdd(ctx, token);
    }
    seccompAttrSet(ctx, SCMP_FLTATR_CTL_NNP, 0);
    seccompAttrSet(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    try {
      seccompAttrSet(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
    } catch {
      // older libseccomp: load failures then read ECANCELED instead of the kernel's errno
    }
    for (const attr of plan.attributes) seccompAttrSet(ctx, attr, 1);
    for (const rule of plan.rules) {
      const nr = seccompSyscallResolveName(rule.name);
      if (nr === undefined) {
        if (!ignoredSyscalls.includes(rule.name)) ignoredSyscalls.push(rule.name);
        continue;
      }
      for (const conds of rule.conditions) seccompRuleAddArray(ctx, rule.action, nr, conds, rule.name);
    }
    seccompLoad(ctx);
  } finally {
    seccompRelease(ctx);
  }
  return { ignoredSyscalls };
}
