/**
 * The CRI Status and Version answers of containerd 1.7's CRI plugin, for `crictl info` and
 * `crictl version`. The runtime is ready whenever berth runs (there is no daemon to be down);
 * the network is ready once a CNI network config is found in the conf dir, as containerd's
 * go-cni reports `cni plugin not initialized` until then.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_RUNTIME_NAME } from './sandbox-record';

export interface RuntimeCondition {
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

export interface RuntimeStatusOptions {
  root: string;
  state: string;
  snapshotter: string;
  cniConfDir: string;
  /** Colon-separated, as containerd's bin_dir may be. */
  cniBinDir: string;
  registryConfigPath: string;
  maxConcurrentDownloads: number;
}

export interface RuntimeStatus {
  conditions: RuntimeCondition[];
  /** The verbose info map: each value a JSON text (or a plain string), as containerd sends it. */
  info: Record<string, string>;
}

interface LoadedNetwork {
  name: string;
  cniVersion: string;
  types: string[];
  source: string;
}

/** The first usable network config in the conf dir (go-cni's default: files sorted by name). */
function loadNetwork(confDir: string): LoadedNetwork | Error {
  let files: string[];
  try {
    files = fs.readdirSync(confDir).filter((f) => /\.(conf|conflist|json)$/.test(f)).sort();
  } catch {
    files = [];
  }
  for (const f of files) {
    const source = path.join(confDir, f);
    try {
      const j = JSON.parse(fs.readFileSync(source, 'utf8')) as { name?: unknown; cniVersion?: unknown; type?: unknown; plugins?: unknown };
      const plugins = Array.isArray(j.plugins) ? (j.plugins as { type?: unknown }[]) : typeof j.type === 'string' ? [{ type: j.type }] : [];
      const types = plugins.map((p) => p.type).filter((t): t is string => typeof t === 'string');
      if (types.length === 0) continue;
      return { name: typeof j.name === 'string' ? j.name : '', cniVersion: typeof j.cniVersion === 'string' ? j.cniVersion : '', types, source };
    } catch {
      continue;
    }
  }
  return new Error(`cni config load failed: no network config found in ${confDir}: cni plugin not initialized: failed to load cni config`);
}

export function runtimeStatus(opts: RuntimeStatusOptions): RuntimeStatus {
  const net = loadNetwork(opts.cniConfDir);
  const networkReady = !(net instanceof Error);
  const conditions: RuntimeCondition[] = [
    { type: 'RuntimeReady', status: true, reason: '', message: '' },
    networkReady
      ? { type: 'NetworkReady', status: true, reason: '', message: '' }
      : { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'Network plugin returns error: cni plugin not initialized' },
    { type: 'ContainerdHasNoDeprecationWarnings', status: true, reason: '', message: '' },
  ];
  const binDirs = opts.cniBinDir.split(':').filter((d) => d !== '');
  const networks: unknown[] = [{
    Config: { Name: 'cni-loopback', CNIVersion: '0.3.1', Plugins: [{ Network: { type: 'loopback', ipam: {}, dns: {} }, Source: '{"type":"loopback"}' }], Source: '{"cniVersion":"0.3.1","name":"cni-loopback","plugins":[{"type":"loopback"}]}' },
    IFName: 'lo',
  }];
  if (!(net instanceof Error)) {
    networks.push({
      Config: { Name: net.name, CNIVersion: net.cniVersion, Plugins: net.types.map((t) => ({ Network: { type: t, ipam: {}, dns: {} } })), Source: net.source },
      IFName: 'eth0',
    });
  }
  const config = {
    containerd: { snapshotter: opts.snapshotter, defaultRuntimeName: DEFAULT_RUNTIME_NAME },
    cni: { binDir: opts.cniBinDir, confDir: opts.cniConfDir, maxConfNum: 1, setupSerially: false, confTemplate: '', ipPref: '' },
    registry: { configPath: opts.registryConfigPath },
    maxConcurrentDownloads: opts.maxConcurrentDownloads,
    containerdRootDir: opts.root,
    containerdEndpoint: '',
    rootDir: path.join(opts.root, 'io.containerd.grpc.v1.cri'),
    stateDir: path.join(opts.state, 'io.containerd.grpc.v1.cri'),
  };
  const loadStatus = net instanceof Error ? net.message : 'OK';
  return {
    conditions,
    info: {
      config: JSON.stringify(config),
      cniconfig: JSON.stringify({ PluginDirs: binDirs, PluginConfDir: opts.cniConfDir, PluginMaxConfNum: 1, Prefix: 'eth', Networks: networks }),
      lastCNILoadStatus: loadStatus,
      'lastCNILoadStatus.default': loadStatus,
    },
  };
}

export interface RuntimeVersion {
  /** The CRI API version containerd reports. */
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export function runtimeVersion(berthVersion: string): RuntimeVersion {
  return { version: '0.1.0', runtimeName: 'berth', runtimeVersion: berthVersion, runtimeApiVersion: 'v1' };
}
