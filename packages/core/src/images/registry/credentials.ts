/**
 * Registry credentials from docker's client configuration (`$DOCKER_CONFIG/config.json`, default
 * `~/.docker/config.json`): `auths` entries (base64 `auth` or username/password), and credential
 * helpers (`credHelpers[host]`, else `credsStore`) run as `docker-credential-<name> get`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../errors';
import { RegistryAuthError } from './errors';

export interface Credentials {
  username: string;
  /** Password, or the identity (refresh) token when `identityToken` is set. */
  secret: string;
  identityToken?: boolean;
}

/** Finds credentials for a registry host; undefined means "try anonymously". */
export type CredentialSource = (host: string) => Promise<Credentials | undefined> | Credentials | undefined;

interface AuthEntry { auth?: string; username?: string; password?: string; identitytoken?: string }
interface DockerConfig { auths?: Record<string, AuthEntry>; credsStore?: string; credHelpers?: Record<string, string> }

/** docker keeps docker.io's credentials under its v1 index URL. */
const DOCKER_IO_KEY = 'https://index.docker.io/v1/';

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['DOCKER_CONFIG'] ?? join(homedir(), '.docker'), 'config.json');
}

/** Parses `user:pass` (from `--user`); a value without `:` is a user with an empty password. */
export function parseUserPass(value: string): Credentials {
  const i = value.indexOf(':');
  return i < 0 ? { username: value, secret: '' } : { username: value.slice(0, i), secret: value.slice(i + 1) };
}

/** The host part of an `auths` key: `https://host/v1/` → `host`, `host` → `host`. */
function keyHost(key: string): string {
  let k = key.replace(/^[a-z]+:\/\//i, '');
  const slash = k.indexOf('/');
  if (slash >= 0) k = k.slice(0, slash);
  return k.toLowerCase();
}

function canonicalHost(host: string): string {
  const h = host.toLowerCase();
  return h === 'docker.io' || h === 'index.docker.io' || h === 'registry-1.docker.io' ? 'docker.io' : h;
}

function fromEntry(file: string, key: string, e: AuthEntry): Credentials | undefined {
  if (e.identitytoken) return { username: e.username ?? '', secret: e.identitytoken, identityToken: true };
  if (e.auth) {
    const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) throw new InvalidArgumentError(`${file}: auths["${key}"].auth is not base64 of user:password`);
    return { username: decoded.slice(0, i), secret: decoded.slice(i + 1) };
  }
  if (e.username !== undefined) return { username: e.username, secret: e.password ?? '' };
  return undefined;
}

/** Runs `docker-credential-<helper> get` with the server URL on stdin. */
export function runCredentialHelper(helper: string, serverUrl: string): Credentials | undefined {
  const bin = `docker-credential-${helper}`;
  const r = spawnSync(bin, ['get'], { input: serverUrl, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw new RegistryAuthError(`credential helper ${bin}: ${r.error.message}`);
  if (r.status !== 0) {
    const msg = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
    if (/credentials not found/i.test(msg)) return undefined;
    throw new RegistryAuthError(`credential helper ${bin} get ${serverUrl}: ${msg || `exit status ${r.status}`}`);
  }
  let out: { Username?: string; Secret?: string };
  try {
    out = JSON.parse(r.stdout) as { Username?: string; Secret?: string };
  } catch {
    throw new RegistryAuthError(`credential helper ${bin} get ${serverUrl}: output is not JSON`);
  }
  if (!out.Secret) return undefined;
  // By docker's convention the user "<token>" marks an identity token.
  if (out.Username === '<token>') return { username: '', secret: out.Secret, identityToken: true };
  return { username: out.Username ?? '', secret: out.Secret };
}

/** Reads a docker config file and returns a source looking hosts up in it (missing file: no credentials). */
export function dockerConfigCredentials(file = dockerConfigPath()): CredentialSource {
  let cfg: DockerConfig = {};
  try {
    cfg = JSON.parse(readFileSync(file, 'utf8')) as DockerConfig;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new InvalidArgumentError(`${file}: ${(err as Error).message}`);
    }
  }
  return (host: string) => {
    const want = canonicalHost(host);
    const serverUrl = want === 'docker.io' ? DOCKER_IO_KEY : host;
    const helper = cfg.credHelpers?.[host] ?? cfg.credHelpers?.[serverUrl] ?? cfg.credsStore;
    if (helper) {
      const found = runCredentialHelper(helper, serverUrl);
      if (found) return found;
    }
    for (const [key, entry] of Object.entries(cfg.auths ?? {})) {
      if (canonicalHost(keyHost(key)) === want) {
        const c = fromEntry(file, key, entry);
        if (c) return c;
      }
    }
    return undefined;
  };
}

/** The same credentials for every host (from `--user`). */
export function staticCredentials(creds: Credentials): CredentialSource {
  return () => creds;
}
