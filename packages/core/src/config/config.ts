/**
 * berth's configuration file, in containerd's config.toml shape (version 2) so that a
 * containerd user reads it at once: root, state, and the plugin sections berth uses. Read with
 * smol-toml; unknown sections are ignored, as containerd ignores plugins it does not load.
 */
import * as fs from 'node:fs';
import { InvalidArgumentError } from '../errors';
import { DEFAULT_CNI_BIN_DIR, DEFAULT_CNI_CONF_DIR, DEFAULT_ROOT, DEFAULT_STATE } from '../layout';

export const DEFAULT_CONFIG_PATH = '/etc/berth/config.toml';

export interface BerthConfig {
  version: number;
  root: string;
  state: string;
  /** plugins."io.containerd.grpc.v1.cri".containerd.snapshotter */
  snapshotter: string;
  /** plugins."io.containerd.transfer.v1.local".max_concurrent_downloads */
  maxConcurrentDownloads: number;
  /** plugins."io.containerd.grpc.v1.cri".registry.config_path: hosts.toml directories */
  registryConfigPath: string;
  /** plugins."io.containerd.grpc.v1.cri".cni.bin_dir: CNI plugin binaries (colon-separated list allowed) */
  cniBinDir: string;
  /** plugins."io.containerd.grpc.v1.cri".cni.conf_dir: network configs; berth writes its default here when none exists */
  cniConfDir: string;
}

export function defaultConfig(): BerthConfig {
  return {
    version: 2,
    root: DEFAULT_ROOT,
    state: DEFAULT_STATE,
    snapshotter: 'overlayfs',
    maxConcurrentDownloads: 3,
    registryConfigPath: '/etc/berth/certs.d',
    cniBinDir: DEFAULT_CNI_BIN_DIR,
    cniConfDir: DEFAULT_CNI_CONF_DIR,
  };
}

/** The default configuration as TOML (`ctr config default`). */
export function defaultConfigToml(): string {
  const c = defaultConfig();
  return `version = ${c.version}
root = ${JSON.stringify(c.root)}
state = ${JSON.stringify(c.state)}

[plugins]

  [plugins."io.containerd.grpc.v1.cri"]

    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = ${JSON.stringify(c.cniBinDir)}
      conf_dir = ${JSON.stringify(c.cniConfDir)}

    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = ${JSON.stringify(c.snapshotter)}

    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = ${JSON.stringify(c.registryConfigPath)}

  [plugins."io.containerd.snapshotter.v1.native"]
    root_path = ""

  [plugins."io.containerd.snapshotter.v1.overlayfs"]
    root_path = ""

  [plugins."io.containerd.transfer.v1.local"]
    max_concurrent_downloads = ${c.maxConcurrentDownloads}
`;
}

type Table = Record<string, unknown>;

function table(file: string, v: unknown, at: string): Table {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidArgumentError(`config ${file}: ${at} must be a table`);
  return v as Table;
}

function str(file: string, t: Table, key: string, at: string, fallback: string): string {
  const v = t[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || v === '') throw new InvalidArgumentError(`config ${file}: ${at}${key} must be a non-empty string`);
  return v;
}

/**
 * Reads the config file: a missing file at the default path means the defaults; a missing file
 * named explicitly, bad TOML or a wrong type is an error naming the file and the key.
 */
const loaded = new Map<string, BerthConfig>();

/**
 * The config file (or the defaults when the default file is missing), read once per process: a
 * command asks for its root, state and snapshotter separately. Treat the result as read-only.
 */
export function loadConfig(file?: string): BerthConfig {
  const key = file ?? '';
  const hit = loaded.get(key);
  if (hit) return hit;
  const c = readConfig(file);
  loaded.set(key, c);
  return c;
}

function readConfig(file?: string): BerthConfig {
  const c = defaultConfig();
  const target = file ?? DEFAULT_CONFIG_PATH;
  let text: string;
  try {
    text = fs.readFileSync(target, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && file === undefined) return c;
    throw new InvalidArgumentError(`config ${target}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const { parse } = require('smol-toml') as { parse(text: string): unknown };
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (err) {
    throw new InvalidArgumentError(`config ${target}: ${(err as Error).message.split('\n')[0]}`);
  }
  const version = doc.version ?? 2;
  if (version !== 2 && version !== 3) throw new InvalidArgumentError(`config ${target}: version ${String(version)} is not supported (use 2)`);
  const plugins = table(target, doc.plugins, 'plugins');
  const cri = table(target, plugins['io.containerd.grpc.v1.cri'], 'plugins."io.containerd.grpc.v1.cri"');
  const criContainerd = table(target, cri.containerd, 'plugins."io.containerd.grpc.v1.cri".containerd');
  const cni = table(target, cri.cni, 'plugins."io.containerd.grpc.v1.cri".cni');
  const registry = table(target, cri.registry, 'plugins."io.containerd.grpc.v1.cri".registry');
  const transfer = table(target, plugins['io.containerd.transfer.v1.local'], 'plugins."io.containerd.transfer.v1.local"');
  const downloads = transfer.max_concurrent_downloads ?? c.maxConcurrentDownloads;
  if (typeof downloads !== 'number' || !Number.isInteger(downloads) || downloads < 1) {
    throw new InvalidArgumentError(`config ${target}: max_concurrent_downloads must be a positive integer`);
  }
  return {
    version: Number(version),
    root: str(target, doc, 'root', '', c.root),
    state: str(target, doc, 'state', '', c.state),
    snapshotter: str(target, criContainerd, 'snapshotter', 'plugins."io.containerd.grpc.v1.cri".containerd.', c.snapshotter),
    maxConcurrentDownloads: downloads,
    registryConfigPath: str(target, registry, 'config_path', 'plugins."io.containerd.grpc.v1.cri".registry.', c.registryConfigPath),
    cniBinDir: str(target, cni, 'bin_dir', 'plugins."io.containerd.grpc.v1.cri".cni.', c.cniBinDir),
    cniConfDir: str(target, cni, 'conf_dir', 'plugins."io.containerd.grpc.v1.cri".cni.', c.cniConfDir),
  };
}
