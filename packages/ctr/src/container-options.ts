/**
 * The translation of ctr's container flags into the core's container options (containerd 1.7
 * ctr's ContainerFlags and the Linux run flags that set the spec), without the CLI framework:
 * `ctr run`'s fast path (src/fast.ts) uses it as the oclif commands do.
 */
import type { SpecOptions } from '@berth/core/dist/containers/spec-options';
import type { LinuxNamespaceType, Mount } from '@berth/core/dist/oci/types';
import { csvRecord } from '@berth/core/dist/util/csv';

export interface ContainerFlagValues {
  snapshotter?: string;
  cwd?: string;
  env?: string[];
  'env-file'?: string;
  label?: string[];
  annotation?: string[];
  mount?: string[];
  'allow-new-privs': boolean;
  'cpu-quota': string;
  'cpu-period': string;
  'rootfs-propagation'?: string;
  'net-host': boolean;
  privileged: boolean;
  'read-only': boolean;
  runtime: string;
  tty: boolean;
  'with-ns'?: string[];
  'memory-limit'?: string;
  'cap-add'?: string[];
  'cap-drop'?: string[];
  seccomp: boolean;
  hostname?: string;
  user?: string;
  rootfs: boolean;
  device?: string[];
  cpus: string;
  'cpu-shares'?: string;
  'cpuset-cpus'?: string;
  'rlimit-nofile'?: string;
}

/** The options for createContainerFromImage, less root/namespace/id/ref/args. */
export interface ContainerFlagOptions {
  snapshotter: string;
  runtime: string;
  labels: Record<string, string>;
  /** ctr --rootfs: the image argument is a rootfs directory. */
  rootfs: boolean;
  specOptions: SpecOptions;
}

/** Thrown for a malformed flag value; commands print it as `ctr: <message>`. */
export class FlagError extends Error {}

/** `type=bind,src=/a,dst=/b,options=rbind:ro` (ctr's --mount): one CSV record, so `"src=/a,b"` is one field. */
export function parseMount(text: string): Mount {
  const m: Mount = { destination: '' };
  let fields: string[];
  try {
    fields = csvRecord(text);
  } catch (err) {
    throw new FlagError(`mount "${text}": ${(err as Error).message}`);
  }
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq < 0) throw new FlagError(`mount "${text}": invalid field "${field}": expected key=value`);
    const key = field.slice(0, eq).toLowerCase();
    const value = field.slice(eq + 1);
    if (key === 'type') m.type = value;
    else if (key === 'source' || key === 'src') m.source = value;
    else if (key === 'destination' || key === 'dst' || key === 'target') m.destination = value;
    else if (key === 'options') m.options = value.split(':');
    else throw new FlagError(`mount "${text}": option "${key}" not supported (type, src, dst, options)`);
  }
  if (!m.destination) throw new FlagError(`mount "${text}": a destination (dst=) is required`);
  // A bind without a source would be resolved against the bundle: the task's own directory.
  const bind = m.type === 'bind' || (m.options ?? []).some((o) => o === 'bind' || o === 'rbind');
  if (bind && !m.source) throw new FlagError(`mount "${text}": a bind mount needs a source (src=)`);
  return { destination: m.destination, type: m.type, source: m.source, options: m.options };
}

/** KEY=VALUE labels; a bare KEY is "true", as ctr's LabelArgs makes it (`KEY=` is the empty value). */
export function parseLabels(args: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq < 0) out[a] = 'true';
    else out[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return out;
}

function number(flag: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isSafeInteger(n))) throw new FlagError(`invalid value "${v}" for flag --${flag}: expected a non-negative ${integer ? 'integer' : 'number'}`);
  return n;
}

function integer(flag: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new FlagError(`invalid value "${v}" for flag --${flag}: expected an integer`);
  return n;
}

/**
 * `defaultSnapshotter`: the one used when --snapshotter is unset or empty; pass the config
 * file's (what `images pull` unpacks into), as containerd uses its configured default.
 */
export function containerOptions(f: ContainerFlagValues, defaultSnapshotter = 'overlayfs'): ContainerFlagOptions {
  const withNs = (f['with-ns'] ?? []).map((s) => {
    const i = s.indexOf(':');
    if (i < 0) throw new FlagError(`--with-ns "${s}": joining a Linux namespace requires the format 'nstype:path'`);
    return { type: s.slice(0, i) as LinuxNamespaceType, path: s.slice(i + 1) };
  });
  const labels = parseLabels(f.label);
  const shares = number('cpu-shares', f['cpu-shares'], true);
  const specOptions: SpecOptions = {
    env: f.env,
    envFile: f['env-file'],
    mounts: (f.mount ?? []).map(parseMount),
    netHost: f['net-host'],
    privileged: f.privileged,
    readOnly: f['read-only'],
    capAdd: f['cap-add'],
    capDrop: f['cap-drop'],
    hostname: f.hostname,
    user: f.user,
    cwd: f.cwd,
    memoryLimit: number('memory-limit', f['memory-limit'], true),
    cpus: number('cpus', f.cpus, false),
    cpuShares: shares,
    cpusetCpus: f['cpuset-cpus'],
    rlimitNofile: number('rlimit-nofile', f['rlimit-nofile'], true),
    devices: f.device,
    seccomp: f.seccomp,
    withNs,
    tty: f.tty,
    // ctr puts the container's labels into the spec's annotations too.
    annotations: { ...labels, ...parseLabels(f.annotation) },
    allowNewPrivs: f['allow-new-privs'],
    cpuQuota: integer('cpu-quota', f['cpu-quota']),
    cpuPeriod: number('cpu-period', f['cpu-period'], true),
    rootfsPropagation: f['rootfs-propagation'],
  };
  return { snapshotter: f.snapshotter || defaultSnapshotter, runtime: f.runtime, labels, rootfs: f.rootfs, specOptions };
}
