/**
 * Image references, parsed and normalised the way docker and containerd do:
 * `busybox` → `docker.io/library/busybox:latest`, `localhost:5000/a/b:tag`, `name@sha256:…`,
 * `name:tag@sha256:…` (the digest wins when resolving, the tag is kept for display).
 */
import { InvalidArgumentError } from '../errors';

export const DEFAULT_DOMAIN = 'docker.io';
export const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
export const OFFICIAL_REPO_PREFIX = 'library/';
export const DEFAULT_TAG = 'latest';
const NAME_TOTAL_MAX = 255;

export interface Reference {
  /** Registry host, with port when given (`docker.io`, `localhost:5000`, `[::1]:5000`). */
  domain: string;
  /** Repository path inside the registry (`library/busybox`). */
  path: string;
  /** Tag, when the reference has one (after normalisation a reference without a digest always has one). */
  tag?: string;
  /** `algorithm:hex`, when the reference pins a digest. */
  digest?: string;
}

// The grammar of distribution/reference, written out piece by piece so an error can name the part.
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[0-9a-fA-F:]+(?:%[^\]]+)?\]$/;
const PORT = /^[0-9]+$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const HEX64 = /^[a-f0-9]{64}$/;

function bad(ref: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid reference "${ref}": ${why}`);
}

/** Checks `algorithm:encoded`; sha256 and sha512 must carry lowercase hex of their exact length. */
export function validateDigest(digest: string, ref = digest): void {
  if (!DIGEST.test(digest)) throw bad(ref, `digest "${digest}" is not of the form algorithm:hex`);
  const [alg, hex] = digest.split(':') as [string, string];
  const want = alg === 'sha256' ? 64 : alg === 'sha512' ? 128 : 0;
  if (want === 0) throw bad(ref, `digest algorithm "${alg}" is not supported`);
  if (hex.length !== want || !/^[a-f0-9]+$/.test(hex)) {
    throw bad(ref, `digest "${digest}" must be ${want} lowercase hex characters after "${alg}:"`);
  }
}

function validateDomain(ref: string, domain: string): void {
  let host = domain;
  const ipv6 = domain.startsWith('[');
  if (ipv6) {
    const close = domain.indexOf(']');
    host = close < 0 ? domain : domain.slice(0, close + 1);
    const rest = close < 0 ? '' : domain.slice(close + 1);
    if (!IPV6_HOST.test(host)) throw bad(ref, `registry host "${domain}" is not a valid IPv6 address`);
    if (rest !== '' && !(rest.startsWith(':') && PORT.test(rest.slice(1)))) throw bad(ref, `registry port in "${domain}" is not a number`);
    return;
  }
  const colon = domain.indexOf(':');
  if (colon >= 0) {
    host = domain.slice(0, colon);
    const port = domain.slice(colon + 1);
    if (!PORT.test(port)) throw bad(ref, `registry port "${port}" is not a number`);
  }
  for (const part of host.split('.')) {
    if (!DOMAIN_COMPONENT.test(part)) throw bad(ref, `registry host "${host}" is not a valid host name`);
  }
}

function validatePath(ref: string, path: string): void {
  if (path === '') throw bad(ref, 'repository name is empty');
  for (const part of path.split('/')) {
    if (part === '') throw bad(ref, `repository "${path}" has an empty path component`);
    if (part !== part.toLowerCase()) throw bad(ref, `repository name "${path}" must be lowercase`);
    if (!PATH_COMPONENT.test(part)) throw bad(ref, `repository path component "${part}" has invalid characters`);
  }
}

/** Splits the first component off as the registry host when it looks like one (has `.` or `:`, or is `localhost`). */
function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { domain: DEFAULT_DOMAIN, path: name };
  const first = name.slice(0, slash);
  const looksLikeHost = /[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase();
  if (!looksLikeHost) return { domain: DEFAULT_DOMAIN, path: name };
  return { domain: first, path: name.slice(slash + 1) };
}

/**
 * Parses a reference as typed by a user and normalises it: default registry docker.io,
 * `library/` for its official images, tag `latest` when neither a tag nor a digest is given.
 * Throws InvalidArgumentError naming the bad part.
 */
export function parseReference(input: string): Reference {
  const ref = input.trim();
  if (ref === '') throw new InvalidArgumentError('invalid reference "": empty');
  if (HEX64.test(ref)) throw bad(ref, 'a 64-character hexadecimal string is an image id, not a reference');
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    validateDigest(digest, ref);
  }
  let tag: string | undefined;
  // A tag follows the last `:` that comes after the last `/` (a `:` before it is a port).
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(ref, `tag "${tag}" is not valid (letters, digits, _ . -, at most 128, not starting with . or -)`);
  }
  if (rest === '') throw bad(ref, 'repository name is empty');
  let { domain, path } = splitDomain(rest);
  validateDomain(ref, domain);
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  validatePath(ref, path);
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_REPO_PREFIX + path;
  if (`${domain}/${path}`.length > NAME_TOTAL_MAX) throw bad(ref, `repository name is longer than ${NAME_TOTAL_MAX} characters`);
  if (tag === undefined && digest === undefined) tag = DEFAULT_TAG;
  const out: Reference = { domain, path };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

/** `docker.io/library/busybox` — the repository without tag or digest. */
export function repositoryName(r: Reference): string {
  return `${r.domain}/${r.path}`;
}

/** The full normalised string: `docker.io/library/busybox:latest`, `host/a@sha256:…`, `host/a:t@sha256:…`. */
export function formatReference(r: Reference): string {
  return repositoryName(r) + (r.tag !== undefined ? `:${r.tag}` : '') + (r.digest !== undefined ? `@${r.digest}` : '');
}

/** Parses and returns the canonical string form (`busybox` → `docker.io/library/busybox:latest`). */
export function normalizeReference(input: string): string {
  return formatReference(parseReference(input));
}

/** The short form docker shows: `busybox:latest`, `user/app:1`, `localhost:5000/a:b`. */
export function familiarName(ref: string | Reference): string {
  const r = typeof ref === 'string' ? parseReference(ref) : ref;
  let name = repositoryName(r);
  if (r.domain === DEFAULT_DOMAIN) {
    name = r.path.startsWith(OFFICIAL_REPO_PREFIX) && r.path.split('/').length === 2 ? r.path.slice(OFFICIAL_REPO_PREFIX.length) : r.path;
  }
  return name + (r.tag !== undefined ? `:${r.tag}` : '') + (r.digest !== undefined ? `@${r.digest}` : '');
}

/** What a registry is asked for: the digest when pinned, else the tag. */
export function referenceObject(r: Reference): string {
  return r.digest ?? r.tag ?? DEFAULT_TAG;
}
