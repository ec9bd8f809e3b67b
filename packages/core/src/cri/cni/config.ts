/**
 * Network configuration from a conf dir, as libcni finds it: *.conflist, *.conf and *.json in
 * name order, the first valid one wins (containerd's max_conf_num = 1). When the dir holds
 * none, berth writes its default bridge network there first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors';
import type { JsonObject, NetworkConfigList } from './types';
import { makeDirs } from '../../util/make-dirs';

/** The default network's file name, bridge and subnet: containerd's sample network's subnet (podman's default too), on a bridge of berth's own name. */
export const DEFAULT_NETWORK_FILE = '10-berth.conflist';
export const DEFAULT_NETWORK_NAME = 'berth';
export const DEFAULT_BRIDGE = 'berth0';
export const DEFAULT_SUBNET = '10.88.0.0/16';

/**
 * bridge + host-local (+ portmap for hostPort). Loopback is not in the list: berth brings `lo`
 * up with the loopback plugin as a network of its own for every pod, as containerd does, so a
 * user's conflist without it still gets a working localhost.
 */
export function defaultNetworkConfig(ipamDataDir: string): JsonObject {
  return {
    cniVersion: '1.0.0',
    name: DEFAULT_NETWORK_NAME,
    plugins: [
      {
        type: 'bridge', bridge: DEFAULT_BRIDGE, isGateway: true, ipMasq: true, hairpinMode: true,
        ipam: { type: 'host-local', ranges: [[{ subnet: DEFAULT_SUBNET }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: ipamDataDir },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}

/** The loopback network berth adds for every pod (CNI_IFNAME=lo). */
export function loopbackNetwork(): NetworkConfigList {
  return { cniVersion: '1.0.0', name: 'cni-loopback', plugins: [{ type: 'loopback' }], source: '(built in)' };
}

function parseList(file: string, text: string): NetworkConfigList {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`CNI config ${file}: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new InvalidArgumentError(`CNI config ${file}: not a JSON object`);
  const o = doc as JsonObject;
  const name = typeof o.name === 'string' ? o.name : '';
  if (name === '') throw new InvalidArgumentError(`CNI config ${file}: "name" is missing`);
  const cniVersion = typeof o.cniVersion === 'string' ? o.cniVersion : '0.1.0';
  if (!file.endsWith('.conflist')) {
    // A single plugin's .conf: a list of one.
    if (typeof o.type !== 'string') throw new InvalidArgumentError(`CNI config ${file}: "type" is missing`);
    return { cniVersion, name, plugins: [o], source: file };
  }
  if (!Array.isArray(o.plugins) || o.plugins.length === 0) throw new InvalidArgumentError(`CNI config ${file}: "plugins" must be a non-empty list`);
  const plugins = o.plugins.map((p, i) => {
    if (p === null || typeof p !== 'object' || Array.isArray(p) || typeof (p as JsonObject).type !== 'string') {
      throw new InvalidArgumentError(`CNI config ${file}: plugins[${i}] needs a "type"`);
    }
    return p as JsonObject;
  });
  return { cniVersion, name, disableCheck: o.disableCheck === true, plugins, source: file };
}

function confFiles(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((f) => /\.(conflist|conf|json)$/.test(f)).sort().map((f) => path.join(dir, f));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InvalidArgumentError(`CNI conf dir ${dir}: ${(err as Error).message}`);
  }
}

/**
 * The network pods join: the conf dir's first config; with `installDefault`, berth's default is
 * written there if it has none, else that is containerd's error.
 */
export function loadNetwork(confDir: string, ipamDataDir: string, installDefault: boolean): NetworkConfigList {
  let files = confFiles(confDir);
  if (files.length === 0 && !installDefault) throw new InvalidArgumentError(`cni plugin not initialized: no network config found in ${confDir}`);
  if (files.length === 0) {
    makeDirs(confDir, 0o755);
    const file = path.join(confDir, DEFAULT_NETWORK_FILE);
    // wx: a concurrent runp may have written it first; either copy is the same.
    try {
      fs.writeFileSync(`${file}.tmp${process.pid}`, `${JSON.stringify(defaultNetworkConfig(ipamDataDir), null, 2)}\n`, { flag: 'wx' });
      fs.linkSync(`${file}.tmp${process.pid}`, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(`${file}.tmp${process.pid}`, { force: true });
    }
    files = confFiles(confDir);
  }
  const file = files[0] as string;
  return parseList(file, fs.readFileSync(file, 'utf8'));
}

