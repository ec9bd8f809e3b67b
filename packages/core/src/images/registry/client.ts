/**
 * A registry v2 (OCI distribution) client: resolve a reference to a descriptor, fetch manifests
 * and blobs by digest (verified; blobs resumable with `Range`), push blobs and manifests.
 * Each registry host is reached through its endpoints (hosts.toml mirrors, then the upstream),
 * authentication is answered on demand (auth.ts), and every byte that comes back under a digest
 * is checked against it.
 */
import { Readable, Transform } from 'node:stream';
import { NotFoundError, UnsupportedError } from '../../errors';
import { MANIFEST_MEDIA_TYPES, MediaType, baseMediaType, isSchema1 } from '../media-types';
import { formatReference, parseReference, referenceObject, validateDigest, type Reference } from '../reference';
import { Authorizer, mergeScopes, repositoryScope } from './auth';
import { dockerConfigCredentials, type CredentialSource } from './credentials';
import { algorithmOf, digestOf, verifyBytes, VerifyingStream } from './digest';
import { countedStream } from './transfer-events';
import { DigestMismatchError, RegistryAuthError, RegistryError, describeErrorBody } from './errors';
import { header, send, DEFAULT_TIMEOUT_MS, type HttpRequest, type HttpResponse, type RequestBody } from './http';
import { registryEndpoints, type Capability, type HostsOptions, type RegistryEndpoint } from './hosts';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string; variant?: string };
}

export interface RegistryClientOptions extends HostsOptions {
  /** Where credentials come from; docker's config.json by default, `null` for none at all. */
  credentials?: CredentialSource | null;
  /** Milliseconds without progress before a request fails. */
  timeoutMs?: number;
  userAgent?: string;
  /** Largest manifest accepted, in bytes (a bound on what a hostile registry can make us hold). */
  maxManifestBytes?: number;
}

export interface Resolved {
  /** The normalised reference (`docker.io/library/busybox:latest`). */
  name: string;
  descriptor: Descriptor;
}

export interface FetchedManifest {
  descriptor: Descriptor;
  bytes: Buffer;
  /** The parsed JSON document. */
  json: Record<string, unknown>;
}

export interface BlobReader {
  stream: Readable;
  /** Where the stream starts: the offset asked for (206), or 0 when the server sent it all (200). */
  offset: number;
  /** The blob's total size when the server said. */
  size: number | undefined;
}

export type PushResult = 'exists' | 'mounted' | 'pushed';

/** The bytes of a blob to push: all of them, or a function opening bytes `start` to `end` (exclusive). */
export type BlobSource = Buffer | ((start: number, end: number) => Readable);

export interface PushBlobOptions {
  /** Repositories on the same registry that may hold the blob (cross-repository mount). */
  mountFrom?: string | string[];
  /** Upload in PATCH chunks of this many bytes (blobs larger than it), instead of one PUT. */
  chunkSize?: number;
}

const DEFAULT_MAX_MANIFEST = 8 * 1024 * 1024;

type Ref = string | Reference;
const toRef = (r: Ref): Reference => (typeof r === 'string' ? parseReference(r) : r);

/** Whether an endpoint failure should send the request on to the next endpoint (mirror → upstream). */
function tryNext(status: number): boolean {
  return status === 404 || status >= 500 || status === 0;
}

export class RegistryClient {
  private readonly auth: Authorizer;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly maxManifest: number;

  constructor(private readonly opts: RegistryClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.userAgent = opts.userAgent ?? 'berth/0.1';
    this.maxManifest = opts.maxManifestBytes ?? DEFAULT_MAX_MANIFEST;
    const credentials = opts.credentials === null ? undefined : (opts.credentials ?? dockerConfigCredentials());
    const a: ConstructorParameters<typeof Authorizer>[0] = { timeoutMs: this.timeoutMs, userAgent: this.userAgent };
    if (credentials) a.credentials = credentials;
    if (opts.skipVerify) a.tls = { rejectUnauthorized: false };
    this.auth = new Authorizer(a);
  }

  private endpoints(r: Reference, cap: Capability): RegistryEndpoint[] {
    const eps = registryEndpoints(r.domain, this.opts).filter((e) => e.capabilities.has(cap));
    if (eps.length === 0) throw new RegistryError(`no endpoint of ${r.domain} has the "${cap}" capability (hosts.toml)`);
    return eps;
  }

  private url(ep: RegistryEndpoint, r: Reference, rest: string): URL {
    const u = new URL(ep.base.href);
    u.pathname = `${u.pathname}/${r.path}/${rest}`;
    return u;
  }

  /** One request to one endpoint, answering 401 challenges (at most twice) and refusing 403. */
  private async request(ep: RegistryEndpoint, r: Reference, push: boolean, request: Omit<HttpRequest, 'tls' | 'timeoutMs'> & { extraScopes?: string[] }): Promise<HttpResponse> {
    const host = ep.base.host;
    const { extraScopes, ...req } = request;
    // A mount also needs pull access to the source repository, in the same token.
    const scope = mergeScopes([repositoryScope(r.path, push)], extraScopes ?? []).join(' ');
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { 'User-Agent': this.userAgent, ...ep.headers, ...(req.headers ?? {}) };
      const authz = await this.auth.header(host, scope);
      if (authz) headers['Authorization'] = authz;
      const res = await send({ ...req, headers, tls: ep.tls, timeoutMs: this.timeoutMs });
      if (res.status === 403) {
        const body = await res.read(64 * 1024);
        throw new RegistryAuthError(`access to ${repositoryNameAt(host, r)} denied (${push ? 'push' : 'pull'}): ${describeErrorBody(body).text || '403 Forbidden'}`, 403);
      }
      if (res.status !== 401) return res;
      const body = await res.read(64 * 1024);
      const retry = attempt < 2 && await this.auth.challenge(host, scope, header(res.headers, 'www-authenticate'), authz !== undefined);
      if (!retry) {
        const text = describeErrorBody(body).text;
        throw new RegistryAuthError(`authentication to ${host} failed for ${repositoryNameAt(host, r)}: unauthorized${text ? ` (${text})` : ''}`, 401);
      }
    }
  }

  /** Runs `fn` on each endpoint in turn until one answers with something other than "try elsewhere". */
  private async onEndpoints<T>(r: Reference, cap: Capability, fn: (ep: RegistryEndpoint) => Promise<T | { next: RegistryError | NotFoundError }>): Promise<T> {
    let last: Error | undefined;
    for (const ep of this.endpoints(r, cap)) {
      try {
        const out = await fn(ep);
        if (out !== null && typeof out === 'object' && 'next' in out && (out.next instanceof RegistryError || out.next instanceof NotFoundError)) {
          last = out.next;
          continue;
        }
        return out as T;
      } catch (err) {
        // A mirror that cannot be reached is skipped; anything else (auth, digests) is final.
        if (err instanceof RegistryError && err.status === undefined) { last = err; continue; }
        throw err;
      }
    }
    throw last ?? new RegistryError(`${r.domain}: no endpoint answered`);
  }

  private async statusError(res: HttpResponse, what: string, notFound: string): Promise<RegistryError | NotFoundError> {
    const body = await res.read(64 * 1024).catch(() => Buffer.alloc(0));
    const desc = describeErrorBody(body);
    if (res.status === 404) return new NotFoundError(`${notFound}${desc.text ? ` (${desc.text})` : ''}`);
    return new RegistryError(`${what}: ${res.url.host} answered ${res.status}${desc.text ? `: ${desc.text}` : ''}`, res.status);
  }

  /** Resolves a reference (tag or digest) to the descriptor of its manifest or index. */
  async resolve(ref: Ref): Promise<Resolved> {
    const r = toRef(ref);
    const name = formatReference(r);
    const obj = referenceObject(r);
    const cap: Capability = r.digest ? 'pull' : 'resolve';
    const notFound = `image "${name}" not found`;
    const descriptor = await this.onEndpoints<Descriptor>(r, cap, async (ep) => {
      const url = this.url(ep, r, `manifests/${obj}`);
      const accept = { Accept: MANIFEST_MEDIA_TYPES.join(', ') };
      const head = await this.request(ep, r, false, { method: 'HEAD', url, headers: accept });
      head.discard();
      if (head.status === 404) return { next: new NotFoundError(notFound) };
      if (head.status === 200) {
        const digest = header(head.headers, 'docker-content-digest');
        const type = header(head.headers, 'content-type');
        const length = Number(header(head.headers, 'content-length'));
        if (digest && r.digest && digest !== r.digest) throw new DigestMismatchError(`resolving ${name}`, digest, r.digest);
        if (digest && type && isKnownManifestType(type) && Number.isSafeInteger(length) && length > 0) {
          validateDigest(digest, `${name} (Docker-Content-Digest)`);
          return { mediaType: baseMediaType(type), digest, size: length };
        }
      }
      // No usable HEAD answer (some registries refuse HEAD or omit the digest): GET and hash.
      const got = await this.getManifest(ep, r, obj, name, r.digest);
      if ('next' in got) return got;
      return got.descriptor;
    });
    return { name, descriptor };
  }

  private async getManifest(ep: RegistryEndpoint, r: Reference, obj: string, name: string, expected: string | undefined): Promise<FetchedManifest | { next: RegistryError | NotFoundError }> {
    const url = this.url(ep, r, `manifests/${obj}`);
    const res = await this.request(ep, r, false, { method: 'GET', url, headers: { Accept: MANIFEST_MEDIA_TYPES.join(', ') } });
    if (res.status !== 200) {
      const err = await this.statusError(res, `fetching manifest ${obj} of ${name}`, expected ? `manifest ${expected} of "${name}" not found` : `image "${name}" not found`);
      if (tryNext(res.status)) return { next: err };
      throw err;
    }
    const bytes = await res.read(this.maxManifest);
    const announced = header(res.headers, 'docker-content-digest');
    const algorithm = expected ? algorithmOf(expected) : announced && /^sha(256|512):/.test(announced) ? algorithmOf(announced) : 'sha256';
    const actual = digestOf(bytes, algorithm);
    if (expected && actual !== expected) throw new DigestMismatchError(`manifest of ${name}`, actual, expected);
    if (announced && actual !== announced) throw new DigestMismatchError(`manifest of ${name} (Docker-Content-Digest)`, actual, announced);
    let json: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(bytes.toString('utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      json = parsed as Record<string, unknown>;
    } catch {
      throw new RegistryError(`manifest of ${name} from ${url.host} is not a JSON object (${bytes.length} bytes, Content-Type ${header(res.headers, 'content-type') ?? 'none'})`, res.status);
    }
    const mediaType = manifestType(header(res.headers, 'content-type'), json);
    if (mediaType === undefined) {
      const said = [header(res.headers, 'content-type'), typeof json['mediaType'] === 'string' ? json['mediaType'] : undefined].filter((t) => t !== undefined);
      throw new RegistryError(`manifest of ${name} from ${url.host} has no recognisable media type${said.length > 0 ? ` (${[...new Set(said)].join(', ')})` : ''}`, res.status);
    }
    if (isSchema1(mediaType)) throw new UnsupportedError(`image "${name}" uses Docker schema 1 manifests, which are not supported`);
    return { descriptor: { mediaType, digest: actual, size: bytes.length }, bytes, json };
  }

  /** Fetches a manifest or index by digest, verified against it (and its size when given). */
  async fetchManifest(ref: Ref, desc: string | Pick<Descriptor, 'digest'> & Partial<Descriptor>): Promise<FetchedManifest> {
    const r = toRef(ref);
    const d = typeof desc === 'string' ? { digest: desc } : desc;
    validateDigest(d.digest, `${formatReference(r)} manifest`);
    const name = formatReference(r);
    const out = await this.onEndpoints<FetchedManifest>(r, 'pull', (ep) => this.getManifest(ep, r, d.digest, name, d.digest));
    if (d.size !== undefined && out.bytes.length !== d.size) {
      throw new RegistryError(`manifest ${d.digest} of ${name}: ${out.bytes.length} bytes, expected ${d.size}`);
    }
    return out;
  }

  /**
   * Opens a blob by digest. With `offset`, asks for `Range: bytes=<offset>-` and reports where the
   * stream really starts (a server may ignore the range). With `verify` (only meaningful from 0),
   * the stream fails at its end unless the bytes hash to the digest (and size, when given).
   */
  async fetchBlob(ref: Ref, desc: string | Pick<Descriptor, 'digest'> & Partial<Descriptor>, opts: { offset?: number; verify?: boolean } = {}): Promise<BlobReader> {
    const r = toRef(ref);
    const d = typeof desc === 'string' ? { digest: desc } : desc;
    validateDigest(d.digest, `${formatReference(r)} blob`);
    const offset = opts.offset ?? 0;
    const name = repositoryNameAt(r.domain, r);
    return this.onEndpoints<BlobReader>(r, 'pull', async (ep) => {
      const url = this.url(ep, r, `blobs/${d.digest}`);
      const headers: Record<string, string> = {};
      if (offset > 0) headers['Range'] = `bytes=${offset}-`;
      const res = await this.request(ep, r, false, { method: 'GET', url, headers });
      let start = 0;
      let size: number | undefined;
      if (res.status === 206) {
        const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header(res.headers, 'content-range') ?? '');
        if (!m || Number(m[1]) !== offset) {
          res.discard();
          throw new RegistryError(`blob ${d.digest} of ${name}: asked for bytes from ${offset}, got Content-Range "${header(res.headers, 'content-range') ?? ''}"`, 206);
        }
        start = offset;
        if (m[3] !== '*') size = Number(m[3]);
      } else if (res.status === 200) {
        const len = Number(header(res.headers, 'content-length'));
        if (Number.isSafeInteger(len) && header(res.headers, 'content-length') !== undefined) size = len;
      } else if (res.status === 416) {
        res.discard();
        throw new RegistryError(`blob ${d.digest} of ${name}: range from byte ${offset} not satisfiable`, 416);
      } else {
        const err = await this.statusError(res, `fetching blob ${d.digest} of ${name}`, `blob ${d.digest} not found in ${name}`);
        if (tryNext(res.status)) return { next: err };
        throw err;
      }
      if (d.size !== undefined && size !== undefined && size !== d.size) {
        res.discard();
        throw new RegistryError(`blob ${d.digest} of ${name}: registry says ${size} bytes, expected ${d.size}`, res.status);
      }
      const body = namedBody(res.body, `blob ${d.digest} of ${name} from ${url.host}`, start);
      let stream: Readable = body;
      if (opts.verify && start === 0) {
        const v = new VerifyingStream(`blob of ${name}`, d.digest, d.size);
        body.on('error', (e) => v.destroy(e));
        stream = body.pipe(v);
      }
      stream = countedStream(stream, 'download', d.digest, start, size ?? d.size);
      return { stream, offset: start, size: size ?? d.size };
    });
  }

  /** Reads a whole (small) blob, e.g. an image config, verified against its digest. */
  async readBlob(ref: Ref, desc: string | Pick<Descriptor, 'digest'> & Partial<Descriptor>, limit = 64 * 1024 * 1024): Promise<Buffer> {
    const d = typeof desc === 'string' ? { digest: desc } : desc;
    const { stream } = await this.fetchBlob(ref, d);
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of stream) {
      n += (c as Buffer).length;
      if (n > limit) { stream.destroy(); throw new RegistryError(`blob ${d.digest}: larger than ${limit} bytes`); }
      chunks.push(c as Buffer);
    }
    const data = Buffer.concat(chunks);
    verifyBytes(`blob of ${formatReference(toRef(ref))}`, data, d.digest);
    return data;
  }

  /** The size of a blob when the repository has it, else undefined. */
  async blobSize(ref: Ref, digest: string, push = false): Promise<number | undefined> {
    const r = toRef(ref);
    validateDigest(digest);
    const eps = this.endpoints(r, push ? 'push' : 'pull');
    // A push checks the endpoint it will write to; a pull asks the upstream.
    const ep = push ? eps[0]! : eps[eps.length - 1]!;
    const res = await this.request(ep, r, push, { method: 'HEAD', url: this.url(ep, r, `blobs/${digest}`) });
    res.discard();
    if (res.status === 200) return Number(header(res.headers, 'content-length') ?? NaN);
    if (res.status === 404) return undefined;
    throw new RegistryError(`checking blob ${digest} in ${formatReference(r)}: ${ep.base.host} answered ${res.status}`, res.status);
  }

  /**
   * Uploads a blob unless the repository has it: HEAD, else a cross-repository mount from
   * `mountFrom` (repository paths on the same registry, tried in turn), else POST an upload and
   * send the bytes: in one PUT, or with `chunkSize` in PATCHes of that size closed by a PUT.
   * `body` is a Buffer or a function opening the bytes from `start` to `end` (exclusive), called
   * again when a redirect or an authentication retry needs to resend them.
   */
  async pushBlob(ref: Ref, desc: Pick<Descriptor, 'digest' | 'size'>, body: BlobSource, opts: PushBlobOptions = {}): Promise<PushResult> {
    const r = toRef(ref);
    validateDigest(desc.digest);
    if (Buffer.isBuffer(body)) {
      verifyBytes(`blob to push to ${formatReference(r)}`, body, desc.digest);
    }
    const ep = this.pushEndpoint(r);
    const name = repositoryNameAt(ep.base.host, r);
    if ((await this.blobSize(r, desc.digest, true)) !== undefined) return 'exists';
    const sources = typeof opts.mountFrom === 'string' ? [opts.mountFrom] : (opts.mountFrom ?? []).filter((m) => m !== r.path);
    let post: HttpResponse | undefined;
    let start = this.url(ep, r, 'blobs/uploads/');
    for (const from of sources) {
      start = this.url(ep, r, 'blobs/uploads/');
      start.searchParams.set('mount', desc.digest);
      start.searchParams.set('from', from);
      post = await this.request(ep, r, true, { method: 'POST', url: start, extraScopes: [repositoryScope(from, false)] });
      if (post.status === 201) { post.discard(); return 'mounted'; }
      // 202: the registry could not mount and opened an ordinary upload instead; use it.
      if (post.status === 202) break;
      post.discard();
      post = undefined;
    }
    if (!post) {
      start = this.url(ep, r, 'blobs/uploads/');
      post = await this.request(ep, r, true, { method: 'POST', url: start });
    }
    if (post.status !== 202) throw await this.statusError(post, `starting upload of ${desc.digest} to ${name}`, `repository ${name} not found`);
    post.discard();
    let location = uploadLocation(post, start, `starting upload of ${desc.digest} to ${name}`);
    const open = (from: number, to: number): RequestBody => {
      if (Buffer.isBuffer(body)) {
        const part = from === 0 && to === body.length ? body : body.subarray(from, to);
        return () => countedStream(Readable.from([part]), 'upload', desc.digest, from, desc.size);
      }
      return () => countedStream(body(from, to), 'upload', desc.digest, from, desc.size);
    };
    const chunk = opts.chunkSize !== undefined && opts.chunkSize > 0 && desc.size > opts.chunkSize ? opts.chunkSize : undefined;
    let putBody: RequestBody | undefined;
    if (chunk !== undefined) {
      for (let from = 0; from < desc.size; from += chunk) {
        const to = Math.min(desc.size, from + chunk);
        const headers = { 'Content-Type': 'application/octet-stream', 'Content-Range': `${from}-${to - 1}`, 'Content-Length': String(to - from) };
        const res = await this.request(ep, r, true, { method: 'PATCH', url: location, headers, body: open(from, to) });
        if (res.status !== 202) throw await this.statusError(res, `uploading bytes ${from}-${to - 1} of ${desc.digest} to ${name}`, `upload of ${desc.digest} to ${name} not found`);
        res.discard();
        location = uploadLocation(res, location, `uploading ${desc.digest} to ${name}`);
      }
    } else {
      putBody = open(0, desc.size);
    }
    const put = new URL(location.href);
    put.searchParams.append('digest', desc.digest);
    const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
    headers['Content-Length'] = putBody ? String(desc.size) : '0';
    const res = await this.request(ep, r, true, putBody ? { method: 'PUT', url: put, headers, body: putBody } : { method: 'PUT', url: put, headers });
    if (res.status !== 201 && res.status !== 204) throw await this.statusError(res, `uploading ${desc.digest} to ${name}`, `upload of ${desc.digest} to ${name} not found`);
    res.discard();
    const stored = header(res.headers, 'docker-content-digest');
    if (stored && stored !== desc.digest) throw new DigestMismatchError(`upload to ${name}`, stored, desc.digest);
    return 'pushed';
  }

  /** PUTs a manifest under the reference's tag (or its digest when it has no tag); returns its descriptor. */
  async pushManifest(ref: Ref, mediaType: string, bytes: Buffer): Promise<Descriptor> {
    const r = toRef(ref);
    const digest = digestOf(bytes);
    if (r.digest && r.digest !== digest) throw new DigestMismatchError(`manifest to push to ${formatReference(r)}`, digest, r.digest);
    const ep = this.pushEndpoint(r);
    const target = r.tag ?? digest;
    const url = this.url(ep, r, `manifests/${target}`);
    const res = await this.request(ep, r, true, { method: 'PUT', url, headers: { 'Content-Type': mediaType }, body: bytes });
    if (res.status !== 201 && res.status !== 200 && res.status !== 204) {
      throw await this.statusError(res, `pushing manifest ${target} to ${repositoryNameAt(ep.base.host, r)}`, `repository ${repositoryNameAt(ep.base.host, r)} not found`);
    }
    res.discard();
    const stored = header(res.headers, 'docker-content-digest');
    if (stored && stored !== digest) throw new DigestMismatchError(`manifest pushed to ${formatReference(r)}`, stored, digest);
    return { mediaType, digest, size: bytes.length };
  }

  private pushEndpoint(r: Reference): RegistryEndpoint {
    const eps = this.endpoints(r, 'push');
    return eps[0]!;
  }
}

/** The upload URL a POST or PATCH answered with (relative to the request). */
function uploadLocation(res: HttpResponse, base: URL, what: string): URL {
  const location = header(res.headers, 'location');
  if (!location) throw new RegistryError(`${what}: no Location in the answer`, res.status);
  return new URL(location, base);
}

function repositoryNameAt(host: string, r: Reference): string {
  return `${host}/${r.path}`;
}

function isKnownManifestType(t: string): boolean {
  const b = baseMediaType(t);
  return MANIFEST_MEDIA_TYPES.includes(b) || isSchema1(b);
}

/** The manifest's media type: the Content-Type when it is a manifest type, else what the JSON says or looks like. */
function manifestType(contentType: string | undefined, json: Record<string, unknown>): string | undefined {
  if (contentType && isKnownManifestType(contentType)) return baseMediaType(contentType);
  const declared = json['mediaType'];
  if (typeof declared === 'string' && isKnownManifestType(declared)) return baseMediaType(declared);
  if (json['schemaVersion'] === 1) return MediaType.DockerSchema1Manifest;
  if (Array.isArray(json['manifests'])) return MediaType.OciIndex;
  if (json['config'] !== undefined && Array.isArray(json['layers'])) return MediaType.OciManifest;
  return undefined;
}

/**
 * A response body whose failure names the blob, the host and the bytes received: a dropped
 * connection otherwise surfaces as Node's bare "aborted".
 */
function namedBody(src: Readable, what: string, start: number): Readable {
  let offset = start;
  const out = new Transform({
    transform(c: Buffer, _enc, done) {
      offset += c.length;
      done(null, c);
    },
  });
  src.on('error', (e) => out.destroy(new RegistryError(`${what}: connection lost at byte ${offset} (${e.message})`)));
  // A consumer giving up closes the connection.
  out.on('close', () => { if (!src.readableEnded) src.destroy(); });
  src.pipe(out);
  return out;
}
