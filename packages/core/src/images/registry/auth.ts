/**
 * Registry authentication: the `WWW-Authenticate` challenge of a 401, answered with Basic
 * credentials or with a Bearer token from the challenge's realm (anonymous, `user:pass`, or an
 * identity token as an OAuth refresh token). Tokens are cached per host and scope until they expire.
 */
import { RegistryAuthError, RegistryError, describeErrorBody } from './errors';
import { send, type TlsSettings } from './http';
import type { CredentialSource, Credentials } from './credentials';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses a WWW-Authenticate value, which may hold several challenges. */
export function parseChallenges(value: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const s = value;
  const skipWs = () => { while (i < s.length && /[\s,]/.test(s[i]!)) i++; };
  const token = () => { const m = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(s.slice(i)); if (!m) return ''; i += m[0].length; return m[0]; };
  while (i < s.length) {
    skipWs();
    const scheme = token();
    if (scheme === '') break;
    const params: Record<string, string> = {};
    for (;;) {
      while (i < s.length && /[\s]/.test(s[i]!)) i++;
      const save = i;
      const key = token();
      while (i < s.length && s[i] === ' ') i++;
      if (key === '' || s[i] !== '=') { i = save; break; }
      i++;
      while (i < s.length && s[i] === ' ') i++;
      let val = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          val += s[i];
          i++;
        }
        i++;
      } else val = token();
      params[key.toLowerCase()] = val;
      while (i < s.length && s[i] === ' ') i++;
      if (s[i] === ',') i++;
    }
    out.push({ scheme: scheme.toLowerCase(), params });
  }
  return out;
}

/** `repository:<path>:pull` or `...:pull,push`. */
export function repositoryScope(path: string, push: boolean): string {
  return `repository:${path}:${push ? 'pull,push' : 'pull'}`;
}

/** Union of scopes, with the actions of one resource merged (`repository:a:pull` + `repository:a:push`). */
export function mergeScopes(...lists: string[][]): string[] {
  const byResource = new Map<string, Set<string>>();
  for (const scope of lists.flat()) {
    for (const one of scope.split(' ')) {
      const idx = one.lastIndexOf(':');
      if (idx < 0) continue;
      const res = one.slice(0, idx);
      const set = byResource.get(res) ?? new Set<string>();
      for (const a of one.slice(idx + 1).split(',')) if (a) set.add(a);
      byResource.set(res, set);
    }
  }
  return [...byResource.entries()].map(([r, a]) => `${r}:${[...a].sort().join(',')}`).sort();
}

interface CachedToken { value: string; expires: number }

export interface AuthorizerOptions {
  credentials?: CredentialSource;
  timeoutMs?: number;
  tls?: TlsSettings;
  userAgent?: string;
}

export class Authorizer {
  private readonly tokens = new Map<string, CachedToken>();
  /** Hosts known to want Basic, and the Bearer challenge params of the others. */
  private readonly schemes = new Map<string, Challenge>();
  private readonly creds = new Map<string, Credentials | undefined>();

  constructor(private readonly opts: AuthorizerOptions = {}) {}

  private async credentialsFor(host: string): Promise<Credentials | undefined> {
    if (!this.creds.has(host)) this.creds.set(host, this.opts.credentials ? await this.opts.credentials(host) : undefined);
    return this.creds.get(host);
  }

  /** The Authorization header to send to `host` for `scope`, when one is known already. */
  async header(host: string, scope: string): Promise<string | undefined> {
    const ch = this.schemes.get(host);
    if (!ch) return undefined;
    if (ch.scheme === 'basic') {
      const c = await this.credentialsFor(host);
      return c ? basic(c) : undefined;
    }
    const t = this.tokens.get(`${host} ${scope}`);
    if (t && t.expires > Date.now()) return `Bearer ${t.value}`;
    // A known Bearer host: get the token up front instead of waiting for another 401.
    return `Bearer ${await this.fetchToken(host, ch, scope.split(' '))}`;
  }

  /**
   * Learns from a 401's challenge and gets what the retry needs. Returns false when retrying
   * cannot help (Basic credentials already refused); the caller also caps its retries.
   */
  async challenge(host: string, scope: string, wwwAuthenticate: string | undefined, sentAuth: boolean): Promise<boolean> {
    const all = parseChallenges(wwwAuthenticate ?? '');
    const ch = all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
    if (!ch) throw new RegistryAuthError(`${host} requires authentication but sent no usable WWW-Authenticate challenge`, 401);
    const known = this.schemes.get(host);
    this.schemes.set(host, ch);
    if (ch.scheme === 'basic') {
      const c = await this.credentialsFor(host);
      if (!c) throw new RegistryAuthError(`${host} requires credentials (Basic authentication) and none were given`, 401);
      return !(sentAuth && known?.scheme === 'basic');
    }
    // The challenge may ask for more than we had (e.g. insufficient_scope): ask for both.
    const scopes = mergeScopes([scope], ch.params['scope'] ? [ch.params['scope']] : []);
    const key = `${host} ${scopes.join(' ')}`;
    if (sentAuth) {
      this.tokens.delete(`${host} ${scope}`);
      this.tokens.delete(key);
    }
    const value = await this.fetchToken(host, ch, scopes);
    this.tokens.set(`${host} ${scope}`, { value, expires: this.tokens.get(key)?.expires ?? Date.now() + 50_000 });
    return true;
  }

  private async fetchToken(host: string, ch: Challenge, scopes: string[]): Promise<string> {
    const key = `${host} ${scopes.join(' ')}`;
    const cached = this.tokens.get(key);
    if (cached && cached.expires > Date.now()) return cached.value;
    const realm = ch.params['realm'];
    if (!realm) throw new RegistryAuthError(`${host} sent a Bearer challenge without a realm`, 401);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryAuthError(`${host} sent a Bearer challenge with an invalid realm "${realm}"`, 401);
    }
    const c = await this.credentialsFor(host);
    const service = ch.params['service'];
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.opts.userAgent) headers['User-Agent'] = this.opts.userAgent;
    let res;
    const base = { tls: this.opts.tls ?? {}, timeoutMs: this.opts.timeoutMs ?? 30_000 };
    if (c?.identityToken) {
      // OAuth2 refresh-token grant, as docker does with an identity token.
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: c.secret, client_id: 'berth' });
      if (service) form.set('service', service);
      if (scopes.length > 0) form.set('scope', scopes.join(' '));
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      res = await send({ ...base, method: 'POST', url, headers, body: Buffer.from(form.toString()) });
    } else {
      if (service) url.searchParams.set('service', service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (c) headers['Authorization'] = basic(c);
      res = await send({ ...base, method: 'GET', url, headers });
    }
    const body = await res.read(1024 * 1024);
    if (res.status === 401 || res.status === 403) {
      const text = describeErrorBody(body).text;
      throw new RegistryAuthError(`authentication to ${host} failed${c ? ` for user "${c.username}"` : ' (anonymous)'}: ${res.status === 401 ? 'unauthorized' : 'denied'} (token server ${url.origin} answered ${res.status}${text ? `: ${text}` : ''})`, res.status);
    }
    if (res.status !== 200) throw new RegistryError(`token server ${url.origin} for ${host} answered ${res.status}: ${describeErrorBody(body).text}`, res.status);
    let parsed: { token?: string; access_token?: string; expires_in?: number };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw new RegistryError(`token server ${url.origin} for ${host} returned a body that is not JSON`, res.status);
    }
    const value = parsed.token ?? parsed.access_token;
    if (!value) throw new RegistryError(`token server ${url.origin} for ${host} returned no token`, res.status);
    // Renew a little early; the spec's default lifetime is 60 s.
    const life = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 60;
    const entry = { value, expires: Date.now() + Math.max(1, life - 10) * 1000 };
    this.tokens.set(key, entry);
    return value;
  }
}

function basic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.secret}`).toString('base64')}`;
}
