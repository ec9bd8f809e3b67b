/**
 * containerd's default seccomp profile (contrib/seccomp DefaultProfile): deny by default,
 * allow the common list, and allow more as the container's bounding capabilities grant it.
 */
import type { LinuxSeccomp, LinuxSyscall } from '../oci/types';
import { DEFAULT_SECCOMP_ALLOW } from './seccomp-allow-list';

const ALLOW = 'SCMP_ACT_ALLOW';
const ENOSYS = 38;
/** CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET: new namespaces need CAP_SYS_ADMIN. */
const CLONE_NAMESPACE_FLAGS = 0x7e020000;
/** personality() values a container may set: PER_LINUX, UNAME26, PER_LINUX32, their combination, and the query. */
const PERSONALITIES = [0x0, 0x0008, 0x20000, 0x20008, 0xffffffff];

/** Syscalls each capability unlocks. */
const BY_CAPABILITY: Readonly<Record<string, readonly string[]>> = {
  CAP_DAC_READ_SEARCH: ['open_by_handle_at'],
  CAP_SYS_ADMIN: [
    'bpf', 'clone', 'clone3', 'fanotify_init', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'lookup_dcookie', 'mount',
    'mount_setattr', 'move_mount', 'name_to_handle_at', 'open_tree', 'perf_event_open', 'quotactl', 'quotactl_fd',
    'setdomainname', 'sethostname', 'setns', 'syslog', 'umount', 'umount2', 'unshare',
  ],
  CAP_SYS_BOOT: ['reboot'],
  CAP_SYS_CHROOT: ['chroot'],
  CAP_SYS_MODULE: ['delete_module', 'init_module', 'finit_module'],
  CAP_SYS_PACCT: ['acct'],
  CAP_SYS_PTRACE: ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv', 'process_vm_writev', 'ptrace'],
  CAP_SYS_RAWIO: ['iopl', 'ioperm'],
  CAP_SYS_TIME: ['settimeofday', 'stime', 'clock_settime', 'clock_settime64'],
  CAP_SYS_TTY_CONFIG: ['vhangup'],
  CAP_SYS_NICE: ['get_mempolicy', 'mbind', 'set_mempolicy'],
  CAP_SYSLOG: ['syslog'],
  CAP_BPF: ['bpf'],
  CAP_PERFMON: ['perf_event_open'],
};

interface ArchProfile { architectures: string[]; syscalls: string[] }

/** Seccomp architectures (native first, then the compat ABIs) and arch-only syscalls, by Node's arch name. */
const ARCH: Readonly<Record<string, ArchProfile>> = {
  x64: { architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'], syscalls: ['arch_prctl', 'modify_ldt'] },
  ia32: { architectures: ['SCMP_ARCH_X86'], syscalls: ['arch_prctl', 'modify_ldt'] },
  arm64: {
    architectures: ['SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64'],
    syscalls: ['arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2', 'breakpoint', 'cacheflush', 'set_tls'],
  },
  arm: { architectures: ['SCMP_ARCH_ARM'], syscalls: ['arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2', 'breakpoint', 'cacheflush', 'set_tls'] },
  s390x: { architectures: ['SCMP_ARCH_S390', 'SCMP_ARCH_S390X'], syscalls: ['s390_pci_mmio_read', 's390_pci_mmio_write', 's390_runtime_instr'] },
  ppc64: { architectures: ['SCMP_ARCH_PPC64LE'], syscalls: [] },
  riscv64: { architectures: ['SCMP_ARCH_RISCV64'], syscalls: [] },
};

/** The default profile for a container whose bounding set is `capabilities`, on `arch` (Node's name). */
export function defaultSeccompProfile(capabilities: readonly string[], arch: string = process.arch): LinuxSeccomp {
  const a = ARCH[arch] ?? { architectures: [], syscalls: [] };
  const rules: LinuxSyscall[] = [{ names: [...DEFAULT_SECCOMP_ALLOW], action: ALLOW }];
  for (const p of PERSONALITIES) rules.push({ names: ['personality'], action: ALLOW, args: [{ index: 0, value: p, op: 'SCMP_CMP_EQ' }] });
  // ptrace is safe without CAP_SYS_PTRACE on kernels >= 4.8, which every supported host runs.
  rules.push({ names: ['ptrace'], action: ALLOW });
  if (a.syscalls.length) rules.push({ names: [...a.syscalls], action: ALLOW });
  const admin = capabilities.includes('CAP_SYS_ADMIN');
  for (const cap of capabilities) {
    const names = BY_CAPABILITY[cap];
    if (names) rules.push({ names: [...names], action: ALLOW });
  }
  if (!admin) {
    // clone without namespace flags only; the flags argument is the 2nd on s390.
    const index = arch === 's390x' ? 1 : 0;
    rules.push({ names: ['clone'], action: ALLOW, args: [{ index, value: CLONE_NAMESPACE_FLAGS, op: 'SCMP_CMP_MASKED_EQ' }] });
    // clone3's flags are in memory seccomp cannot read: ENOSYS makes libc fall back to clone.
    rules.push({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS });
  }
  return { defaultAction: 'SCMP_ACT_ERRNO', architectures: [...a.architectures], syscalls: rules };
}
