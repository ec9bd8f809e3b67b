/**
 * Where to send a registry host's requests: containerd's `hosts.toml` configuration
 * (`<hostsDir>/<host>/hosts.toml`, e.g. /etc/containerd/certs.d/docker.io/hosts.toml):
 *
 *   server = "https://registry-1.docker.io"      # the upstream, tried last
 *   [host."https://mirror.example"]               # tried first, in file order
 *     capabilities = ["pull", "resolve"]
 *     skip_verify = true
 *     ca = "mirror-ca.crt"                        # relative to the host's directory
 *     client = [["client.crt", "client.key"]]
 *     [host."https://mirror.example".header]
 *       x-custom = "1"
 *
 * Without a file: `https://<host>` (`https://registry-1.docker.io` for docker.io), or http with
 * `--plain-http`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { InvalidArgumentError } from '../../errors';
import type { TlsSettings } from './http';

// smol-toml's typings describe its ESM entry; its package also ships a CommonJS build for require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml } = require('smol-toml') as { parse(text: string): Record<string, unknown> };

export type Capability = 'pull' | 'resolve' | 'push';

export interface RegistryEndpoint {
  /** Base URL including the API root, e.g. `https://registry-1.docker.io/v2`. */
  base: URL;
  capabilities: Set<Capability>;
  tls: TlsSettings;
  headers: Record<string, string>;
}

export interface HostsOptions {
  /** A directory like /etc/containerd/certs.d holding `<host>/hosts.toml`; none when unset. */
  hostsDir?: string;
  /** `--plain-http`: the default endpoint speaks http. */
  plainHttp?: boolean;
  /** `--skip-verify`: no TLS certificate verification for any endpoint. */
  skipVerify?: boolean;
}

const ALL: Capability[] = ['pull', 'resolve', 'push'];
const DEFAULT_MIRROR_CAPS: Capability[] = ['pull', 'resolve'];

/** The upstream server of a registry host name. */
export function defaultServer(host: string, plainHttp = false): string {
  if (host === 'docker.io') return 'https://registry-1.docker.io';
  return `${plainHttp ? 'http' : 'https'}://${host}`;
}

/** The directory of `host` under hostsDir: `<host>`, then `<name>_<port>_` (containerd's escaped form), then `_default`. */
export function hostDirectory(hostsDir: string, host: string): string | undefined {
  const candidates = [host];
  const m = /^(.*):(\d+)$/.exec(host);
  if (m) candidates.push(`${m[1]}_${m[2]}_`);
  candidates.push('_default');
  for (const c of candidates) {
    const dir = join(hostsDir, c);
    if (existsSync(join(dir, 'hosts.toml'))) return dir;
  }
  return undefined;
}

function apiBase(server: string, overridePath: boolean, file: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `https://${server}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new InvalidArgumentError(`${file}: "${server}" is not a valid server URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InvalidArgumentError(`${file}: server "${server}" must be http or https`);
  let p = u.pathname.replace(/\/+$/, '');
  if (!overridePath && !p.endsWith('/v2')) p += '/v2';
  u.pathname = p;
  return u;
}

function strings(v: unknown, what: string, file: string): string[] {
  if (v === undefined) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new InvalidArgumentError(`${file}: ${what} must be a string or a list of strings`);
}

function readRelative(dir: string, p: string, what: string, file: string): Buffer {
  const full = isAbsolute(p) ? p : join(dir, p);
  try {
    return readFileSync(full);
  } catch (err) {
    throw new InvalidArgumentError(`${file}: ${what} ${full}: ${(err as Error).message}`);
  }
}

function endpointFrom(table: Record<string, unknown>, server: string, defaults: Capability[], dir: string, file: string, opts: HostsOptions): RegistryEndpoint {
  const caps = table['capabilities'] === undefined ? defaults : strings(table['capabilities'], 'capabilities', file);
  for (const c of caps) {
    if (!(ALL as string[]).includes(c)) throw new InvalidArgumentError(`${file}: unknown capability "${c}" for ${server} (pull, resolve, push)`);
  }
  const tls: TlsSettings = {};
  const skip = table['skip_verify'];
  if (skip !== undefined && typeof skip !== 'boolean') throw new InvalidArgumentError(`${file}: skip_verify for ${server} must be true or false`);
  if (skip === true || opts.skipVerify) tls.rejectUnauthorized = false;
  const ca = strings(table['ca'], 'ca', file);
  if (ca.length > 0) tls.ca = ca.map((p) => readRelative(dir, p, 'ca', file));
  const client = table['client'];
  if (client !== undefined) {
    // A single path (cert with key inside), a [cert, key] pair, or a list of pairs; the first pair is used.
    const pair: string[] = typeof client === 'string' ? [client]
      : Array.isArray(client) && Array.isArray(client[0]) ? strings(client[0], 'client', file) : strings(client, 'client', file);
    if (pair[0]) tls.cert = readRelative(dir, pair[0], 'client certificate', file);
    tls.key = readRelative(dir, pair[1] ?? pair[0] ?? '', 'client key', file);
  }
  const headers: Record<string, string> = {};
  const h = table['header'];
  if (h !== undefined) {
    if (typeof h !== 'object' || h === null || Array.isArray(h)) throw new InvalidArgumentError(`${file}: header for ${server} must be a table`);
    for (const [k, v] of Object.entries(h as Record<string, unknown>)) headers[k] = strings(v, `header ${k}`, file).join(', ');
  }
  const override = table['override_path'] === true;
  return { base: apiBase(server, override, file), capabilities: new Set(caps as Capability[]), tls, headers };
}

/** The endpoints to try for a registry host, mirrors first, the upstream server last. */
export function registryEndpoints(host: string, opts: HostsOptions = {}): RegistryEndpoint[] {
  const dir = opts.hostsDir ? hostDirectory(opts.hostsDir, host) : undefined;
  const fallback = (): RegistryEndpoint => ({
    base: apiBase(defaultServer(host, opts.plainHttp), false, '(default)'),
    capabilities: new Set(ALL),
    tls: opts.skipVerify ? { rejectUnauthorized: false } : {},
    headers: {},
  });
  if (!dir) return [fallback()];
  const file = join(dir, 'hosts.toml');
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new InvalidArgumentError(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const out: RegistryEndpoint[] = [];
  const hosts = doc['host'];
  if (hosts !== undefined) {
    if (typeof hosts !== 'object' || hosts === null || Array.isArray(hosts)) throw new InvalidArgumentError(`${file}: [host."..."] sections expected`);
    for (const [url, table] of Object.entries(hosts as Record<string, unknown>)) {
      if (typeof table !== 'object' || table === null || Array.isArray(table)) throw new InvalidArgumentError(`${file}: host "${url}" must be a table`);
      out.push(endpointFrom(table as Record<string, unknown>, url, DEFAULT_MIRROR_CAPS, dir, file, opts));
    }
  }
  const server = doc['server'];
  if (server !== undefined && typeof server !== 'string') throw new InvalidArgumentError(`${file}: server must be a string`);
  // `_default` applies to any host, so its implicit upstream is the host asked for.
  const upstream = server ?? defaultServer(host, opts.plainHttp);
  out.push(endpointFrom(doc, upstream, ALL, dir, file, opts));
  return out;
}
