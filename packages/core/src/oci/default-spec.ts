/**
 * The config.json that `runc spec` writes (runc 1.1's example spec), key for key in runc's
 * order, so that JSON.stringify(spec, null, '\t') gives the same bytes as Go's
 * json.MarshalIndent(spec, "", "\t"): the objects are built in the Go structs' field order
 * and empty fields are left out, as `omitempty` does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError, errnoText } from '../errors';
import type { LinuxNamespace, Mount, Spec } from './types';

/** The spec version runc 1.1 writes into generated configs. */
export const DEFAULT_OCI_VERSION = '1.0.2-dev';

const CONFIG_FILE = 'config.json';
const CGROUP2_SUPER_MAGIC = 0x63677270;

export interface DefaultSpecOptions {
  /** Adjust for a container run by an unprivileged user (runc's --rootless). */
  rootless?: boolean;
  /** Whether the host runs cgroup v2 only (then a cgroup namespace is added); detected when omitted. */
  cgroupV2?: boolean;
  /** The host uid/gid mapped to root in a rootless spec; this process's euid/egid when omitted. */
  hostUid?: number;
  hostGid?: number;
}

/** runc's test for the unified hierarchy: /sys/fs/cgroup is itself a cgroup2 mount. */
export function isCgroup2UnifiedMode(): boolean {
  try {
    return fs.statfsSync('/sys/fs/cgroup').type === CGROUP2_SUPER_MAGIC;
  } catch {
    return false;
  }
}

export function defaultSpec(opts: DefaultSpecOptions = {}): Spec {
  const caps = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];
  const namespaces: LinuxNamespace[] = [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
  if (opts.cgroupV2 ?? isCgroup2UnifiedMode()) namespaces.push({ type: 'cgroup' });

  const spec: Spec = {
    ociVersion: DEFAULT_OCI_VERSION,
    process: {
      terminal: true,
      user: { uid: 0, gid: 0 },
      args: ['sh'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
      capabilities: { bounding: [...caps], effective: [...caps], permitted: [...caps], ambient: [...caps] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'runc',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      {
        destination: '/dev/pts', type: 'devpts', source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
      },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    ],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces,
      maskedPaths: [
        '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
        '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
  if (opts.rootless) toRootless(spec, opts);
  return spec;
}

/**
 * runc's rootless conversion: no network namespace, a user namespace mapping the caller to
 * root, /sys bind-mounted (sysfs cannot be mounted without owning the network namespace),
 * no uid=/gid= mount options (those ids may not be mapped), no cgroup limits.
 */
function toRootless(spec: Spec, opts: DefaultSpecOptions): void {
  const linux = spec.linux ?? {};
  const hostUid = opts.hostUid ?? process.geteuid?.() ?? 0;
  const hostGid = opts.hostGid ?? process.getegid?.() ?? 0;
  const namespaces = (linux.namespaces ?? []).filter((n) => n.type !== 'network' && n.type !== 'user');
  namespaces.push({ type: 'user' });
  const mounts: Mount[] = (spec.mounts ?? []).map((m) => {
    if (path.posix.normalize(m.destination) === '/sys') {
      return { destination: '/sys', type: 'none', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] };
    }
    const options = m.options?.filter((o) => !o.startsWith('gid=') && !o.startsWith('uid='));
    return options ? { ...m, options } : m;
  });
  spec.mounts = mounts;
  // Rebuilt so the keys keep the Go struct's order (uidMappings, gidMappings first).
  spec.linux = {
    uidMappings: [{ containerID: 0, hostID: hostUid, size: 1 }],
    gidMappings: [{ containerID: 0, hostID: hostGid, size: 1 }],
    namespaces,
    maskedPaths: linux.maskedPaths,
    readonlyPaths: linux.readonlyPaths,
  };
}

/** The bytes runc writes: tab-indented, no trailing newline. */
export function formatSpec(spec: Spec): string {
  return JSON.stringify(spec, null, '\t');
}

/** `runc spec`: writes `<bundle>/config.json`, refusing to replace an existing one. */
export function writeSpec(bundle: string, opts: DefaultSpecOptions = {}): string {
  const dir = path.resolve(bundle);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT') throw new NotFoundError(`bundle ${dir} does not exist`);
    throw new InvalidArgumentError(`bundle ${dir}: ${errnoText(code)}`);
  }
  if (!st.isDirectory()) throw new InvalidArgumentError(`bundle ${dir} is not a directory`);
  const file = path.join(dir, CONFIG_FILE);
  try {
    // 'wx' makes the existence check and the creation one step: no race with a concurrent writer.
    fs.writeFileSync(file, formatSpec(defaultSpec(opts)), { flag: 'wx', mode: 0o666 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'EEXIST') throw new AlreadyExistsError(`File ${CONFIG_FILE} exists. Remove it first`);
    throw new InvalidArgumentError(`bundle ${dir}: cannot write ${CONFIG_FILE}: ${errnoText(code)}`);
  }
  return file;
}
