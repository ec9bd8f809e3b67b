/**
 * The seccomp names config.json may use and this runtime applies through libseccomp.
 * SCMP_ACT_NOTIFY is known to the spec but not applied (no notification listener), so it
 * is listed apart: validation rejects it as unsupported rather than unknown.
 */
export const SECCOMP_ACTIONS: readonly string[] = Object.freeze([
  'SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_LOG', 'SCMP_ACT_TRACE', 'SCMP_ACT_TRAP',
]);

export const SECCOMP_UNSUPPORTED_ACTIONS: readonly string[] = Object.freeze(['SCMP_ACT_NOTIFY']);

export const SECCOMP_OPERATORS: readonly string[] = Object.freeze([
  'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_LE', 'SCMP_CMP_LT', 'SCMP_CMP_MASKED_EQ', 'SCMP_CMP_NE',
]);

export const SECCOMP_ARCHES: readonly string[] = Object.freeze([
  'SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM', 'SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32',
  'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64', 'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64',
  'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_RISCV64', 'SCMP_ARCH_S390',
  'SCMP_ARCH_S390X', 'SCMP_ARCH_X32', 'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64',
]);

/** In runc's order; TSYNC is always applied, the others map to libseccomp attributes. */
export const SECCOMP_FLAGS: readonly string[] = Object.freeze([
  'SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_LOG',
]);

/** Syscalls take at most six arguments (index 0-5). */
export const SECCOMP_MAX_ARGS = 6;
