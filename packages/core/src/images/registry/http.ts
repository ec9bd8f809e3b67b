/**
 * One HTTP(S) exchange on Node's http/https with what a registry conversation needs: a timeout
 * on silence, redirects followed (blob GETs are sent to storage), Authorization dropped when a
 * redirect leaves the registry's host, and per-endpoint TLS settings.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { RegistryError } from './errors';
import { extraRootCertificates } from './extra-ca';

export interface TlsSettings {
  /** false for `--skip-verify` / `skip_verify = true`. */
  rejectUnauthorized?: boolean;
  ca?: Buffer[];
  cert?: Buffer;
  key?: Buffer;
}

export type RequestBody = Buffer | (() => Readable);

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  body?: RequestBody;
  tls?: TlsSettings;
  /** Milliseconds without progress (connect, headers, or body bytes) before the request fails. */
  timeoutMs?: number;
  maxRedirects?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The URL that answered (after redirects). */
  url: URL;
  /** The body stream; consume it or call `discard()`. */
  body: IncomingMessage;
  discard(): void;
  /** Reads the whole body (bounded: registries' JSON answers are small). */
  read(limit?: number): Promise<Buffer>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function exchange(req: HttpRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const isHttps = req.url.protocol === 'https:';
    const options: https.RequestOptions = {
      method: req.method,
      headers: { ...(req.headers ?? {}) },
      // Each request owns its socket: agents keyed on TLS options would mix skip_verify hosts.
      agent: false,
    };
    if (isHttps) {
      options.rejectUnauthorized = req.tls?.rejectUnauthorized ?? true;
      if (req.tls?.ca && req.tls.ca.length > 0) options.ca = req.tls.ca;
      else {
        const roots = extraRootCertificates();
        if (roots) options.ca = roots;
      }
      if (req.tls?.cert) options.cert = req.tls.cert;
      if (req.tls?.key) options.key = req.tls.key;
    }
    const body = req.body;
    if (Buffer.isBuffer(body)) (options.headers as Record<string, string>)['Content-Length'] = String(body.length);
    else if (body === undefined && (req.method === 'PUT' || req.method === 'POST' || req.method === 'PATCH')) {
      (options.headers as Record<string, string>)['Content-Length'] = '0';
    }
    const mod = isHttps ? https : http;
    const cr = mod.request(req.url, options, (res) => {
      res.setTimeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => {
        res.destroy(new RegistryError(`${req.method} ${req.url.href}: no data for ${Math.round((req.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)}s`));
      });
      resolve(res);
    });
    cr.setTimeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => {
      cr.destroy(new RegistryError(`${req.method} ${req.url.href}: timed out after ${Math.round((req.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)}s`));
    });
    cr.on('error', (err: Error) => {
      if (err instanceof RegistryError) reject(err);
      else if (isHttps && isCertificateError(err)) reject(new RegistryError(certificateMessage(req.url, err), undefined, { cause: err }));
      else reject(new RegistryError(`${req.method} ${req.url.href}: ${err.message}`, undefined, { cause: err }));
    });
    if (Buffer.isBuffer(body)) cr.end(body);
    else if (body !== undefined) {
      const src = body();
      src.on('error', (err) => cr.destroy(err));
      src.pipe(cr);
    } else cr.end();
  });
}

/** Node's (OpenSSL's) verification failures: the server's certificate is not trusted or not valid for the host. */
function isCertificateError(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_CERT_ALTNAME_INVALID/.test(code);
}

function certificateMessage(url: URL, err: Error): string {
  return `tls: certificate of ${url.host} not trusted: ${err.message} `
    + '(add its CA with NODE_EXTRA_CA_CERTS=<file> or a hosts.toml ca, or use --skip-verify)';
}

function readAll(res: IncomingMessage, limit: number, what: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    res.on('data', (c: Buffer) => {
      n += c.length;
      if (n > limit) {
        res.destroy(new RegistryError(`${what}: response larger than ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });
}

/** Sends the request, following redirects (the body of a redirected request is sent again). */
export async function send(req: HttpRequest): Promise<HttpResponse> {
  let current = req;
  for (let hop = 0; ; hop++) {
    const res = await exchange(current);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (REDIRECTS.has(status) && location && hop < (req.maxRedirects ?? 10)) {
      res.resume();
      const next = new URL(location, current.url);
      const headers = { ...(current.headers ?? {}) };
      // Credentials are for the registry; pre-signed storage URLs refuse (or leak) them.
      if (next.host !== current.url.host) {
        for (const k of Object.keys(headers)) if (k.toLowerCase() === 'authorization') delete headers[k];
      }
      const method = status === 303 ? 'GET' : current.method;
      current = { ...current, url: next, headers, method };
      if (method === 'GET') delete current.body;
      continue;
    }
    if (REDIRECTS.has(status) && location) {
      res.resume();
      throw new RegistryError(`${req.method} ${req.url.href}: too many redirects`, status);
    }
    const url = current.url;
    const what = `${current.method} ${url.href}`;
    return {
      status,
      headers: res.headers,
      url,
      body: res,
      discard: () => { res.resume(); },
      read: (limit = 32 * 1024 * 1024) => readAll(res, limit, what),
    };
  }
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
