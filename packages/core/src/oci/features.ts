/**
 * What `runc features` prints (runtime-spec features.md, in runc 1.2's layout and key
 * order), filled in with what berth itself implements: cgroupfs v1 and v2 but no systemd
 * driver, seccomp through libseccomp (when the library loads), no AppArmor, SELinux, Intel
 * RDT or id-mapped mounts.
 */
import { capabilityNamesInOrder } from './capabilities';
import { knownMountOptions } from './mount-options';
import { HOOK_NAMES, NAMESPACE_TYPES } from './names';
import { SECCOMP_ACTIONS, SECCOMP_ARCHES, SECCOMP_FLAGS, SECCOMP_OPERATORS } from './seccomp-names';

export const OCI_VERSION_MIN = '1.0.0';
/** The newest runtime-spec whose config.json this runtime reads (types.ts covers 1.0–1.2). */
export const OCI_VERSION_MAX = '1.2.0';

export interface Enabled { enabled: boolean }

export interface Features {
  ociVersionMin: string;
  ociVersionMax: string;
  hooks: string[];
  mountOptions: string[];
  linux: {
    namespaces: string[];
    capabilities: string[];
    cgroup: { v1: boolean; v2: boolean; systemd: boolean; systemdUser: boolean; rdma: boolean };
    seccomp: {
      enabled: boolean;
      actions?: string[];
      operators?: string[];
      archs?: string[];
      knownFlags?: string[];
      supportedFlags?: string[];
    };
    apparmor: Enabled;
    selinux: Enabled;
    intelRdt: Enabled;
    mountExtensions: { idmap: Enabled };
  };
  annotations: Record<string, string>;
}

export interface FeaturesOptions {
  /** Reported as org.opencontainers.runc.version / .commit when given (the CLI knows them). */
  version?: string;
  commit?: string;
  /** The libseccomp version ("2.5.4"), or null when it cannot be loaded; asked of libseccomp when omitted. */
  libseccompVersion?: string | null;
}

/** Asks libseccomp for its version; loading it is the test that seccomp filters can be applied. */
function probeLibseccomp(): string | null {
  try {
    // Lazy: only `features` pays for loading koffi and libseccomp.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { seccompVersion } = require('../sys/seccomp') as typeof import('../sys/seccomp');
    const v = seccompVersion();
    return `${v.major}.${v.minor}.${v.micro}`;
  } catch {
    return null;
  }
}

export function features(opts: FeaturesOptions = {}): Features {
  const libseccomp = opts.libseccompVersion === undefined ? probeLibseccomp() : opts.libseccompVersion;
  const annotations: Record<string, string> = {};
  if (libseccomp !== null) annotations['io.github.seccomp.libseccomp.version'] = libseccomp;
  annotations['org.opencontainers.runc.checkpoint.enabled'] = 'false';
  if (opts.commit !== undefined) annotations['org.opencontainers.runc.commit'] = opts.commit;
  if (opts.version !== undefined) annotations['org.opencontainers.runc.version'] = opts.version;

  return {
    ociVersionMin: OCI_VERSION_MIN,
    ociVersionMax: OCI_VERSION_MAX,
    hooks: [...HOOK_NAMES],
    // tmpcopyup is parsed but the runtime does not copy up yet, so it is not claimed.
    mountOptions: knownMountOptions().filter((o) => o !== 'tmpcopyup'),
    linux: {
      namespaces: [...NAMESPACE_TYPES],
      capabilities: capabilityNamesInOrder(),
      cgroup: { v1: true, v2: true, systemd: false, systemdUser: false, rdma: true },
      seccomp: libseccomp === null
        ? { enabled: false }
        : {
          enabled: true,
          actions: [...SECCOMP_ACTIONS],
          operators: [...SECCOMP_OPERATORS],
          archs: [...SECCOMP_ARCHES],
          knownFlags: [...SECCOMP_FLAGS],
          supportedFlags: [...SECCOMP_FLAGS],
        },
      apparmor: { enabled: false },
      selinux: { enabled: false },
      intelRdt: { enabled: false },
      mountExtensions: { idmap: { enabled: false } },
    },
    annotations,
  };
}
