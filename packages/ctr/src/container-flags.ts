/**
 * The flags that shape a container, shared by `ctr containers create` and `ctr run` (containerd
 * 1.7 ctr's ContainerFlags, SnapshotterFlags and the Linux run flags that set the spec), and
 * their translation into the core's container options (container-options.ts, free of oclif).
 */
import { Flags } from '@oclif/core';

export const CONTAINER_FLAGS = {
  snapshotter: Flags.string({ description: 'snapshotter name. Empty value stands for the default value.', env: 'CONTAINERD_SNAPSHOTTER' }),
  cwd: Flags.string({ description: 'specify the working directory of the process' }),
  env: Flags.string({ description: 'specify additional container environment variables (e.g. FOO=bar)', multiple: true, multipleNonGreedy: true }),
  'env-file': Flags.string({ description: 'specify additional container environment variables in a file(e.g. FOO=bar, one per line)' }),
  label: Flags.string({ description: 'specify additional labels (e.g. foo=bar)', multiple: true, multipleNonGreedy: true }),
  annotation: Flags.string({ description: 'specify additional OCI annotations (e.g. foo=bar)', multiple: true, multipleNonGreedy: true }),
  mount: Flags.string({ description: "specify additional container mount (e.g. type=bind,src=/tmp,dst=/host,options=rbind:ro)", multiple: true, multipleNonGreedy: true }),
  'net-host': Flags.boolean({ description: 'enable host networking for the container' }),
  privileged: Flags.boolean({ description: 'run privileged container' }),
  'read-only': Flags.boolean({ description: 'set the containers filesystem as readonly' }),
  runtime: Flags.string({ description: 'runtime name', default: 'io.containerd.runc.v2' }),
  tty: Flags.boolean({ char: 't', description: 'allocate a TTY for the container' }),
  'with-ns': Flags.string({ description: 'specify existing Linux namespaces to join at container runtime (format \'<nstype>:<path>\')', multiple: true, multipleNonGreedy: true }),
  'allow-new-privs': Flags.boolean({ description: 'turn off OCI spec\'s NoNewPrivileges feature flag' }),
  'memory-limit': Flags.string({ description: 'memory limit (in bytes) for the container' }),
  'cap-add': Flags.string({ description: 'add Linux capabilities (Set capabilities with \'CAP_\' prefix)', multiple: true, multipleNonGreedy: true }),
  'cap-drop': Flags.string({ description: 'drop Linux capabilities (Set capabilities with \'CAP_\' prefix)', multiple: true, multipleNonGreedy: true }),
  seccomp: Flags.boolean({ description: 'enable the default seccomp profile' }),
  hostname: Flags.string({ description: 'set the container\'s host name' }),
  user: Flags.string({ char: 'u', description: 'username or user id, group optional (format: <name|uid>[:<group|gid>])' }),
  rootfs: Flags.boolean({ description: 'use custom rootfs that is not managed by containerd snapshotter' }),
  device: Flags.string({ description: 'file path to a device to add to the container; or a path to a directory tree of devices to add to the container', multiple: true, multipleNonGreedy: true }),
  cpus: Flags.string({ description: 'set the CFS cpu quota', default: '0' }),
  'cpu-shares': Flags.string({ description: 'set the cpu shares' }),
  'cpu-quota': Flags.string({ description: 'Limit CPU CFS quota', default: '-1' }),
  'cpu-period': Flags.string({ description: 'Limit CPU CFS period', default: '0' }),
  'rootfs-propagation': Flags.string({ description: 'set the propagation of the container rootfs' }),
  'cpuset-cpus': Flags.string({ description: 'set the CPUs the container will run in (e.g., 1-2,4)' }),
  'rlimit-nofile': Flags.string({ description: 'set the RLIMIT_NOFILE (soft and hard) of the container process' }),
};

export { containerOptions, FlagError, parseLabels, parseMount, type ContainerFlagOptions, type ContainerFlagValues } from './container-options';
