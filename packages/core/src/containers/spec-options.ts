/** What shapes a container's spec: the image config and ctr's container flags. */
import type { LinuxNamespaceType, Mount } from '../oci/types';

/** The parts of an OCI image config's `config` that a spec is made from. */
export interface ImageConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  StopSignal?: string;
  Labels?: Record<string, string>;
  /** Ignored: ports are a network matter, not the runtime's. */
  ExposedPorts?: Record<string, unknown>;
}

export interface SpecOptions {
  /** Replace the image's Entrypoint and Cmd entirely (as ctr does). */
  args?: string[];
  env?: string[];
  envFile?: string;
  mounts?: Mount[];
  netHost?: boolean;
  privileged?: boolean;
  readOnly?: boolean;
  /** Names with the CAP_ prefix. */
  capAdd?: string[];
  capDrop?: string[];
  hostname?: string;
  /** user[:group], names or ids. */
  user?: string;
  cwd?: string;
  /** Bytes. */
  memoryLimit?: number;
  /** CPUs as a fraction: quota = cpus × period (100000 µs). */
  cpus?: number;
  cpuShares?: number;
  cpusetCpus?: string;
  rlimitNofile?: number;
  /** Host device paths (a directory adds every device under it). */
  devices?: string[];
  /** containerd's default seccomp profile. */
  seccomp?: boolean;
  withNs?: { type: LinuxNamespaceType; path: string }[];
  tty?: boolean;
  /** Spec annotations. */
  annotations?: Record<string, string>;
  /** Leave noNewPrivileges off. */
  allowNewPrivs?: boolean;
  /** CFS quota and period in µs (-1 / 0: unset), apart from `cpus`. */
  cpuQuota?: number;
  cpuPeriod?: number;
  /** shared, slave, private (and their r- forms). */
  rootfsPropagation?: string;
}
