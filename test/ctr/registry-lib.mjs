// Shared by the ctr image tests: a real registry (Debian's docker-registry on 127.0.0.1), a
// two-layer OCI image layout made here, and skopeo to push it (a client berth did not write).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, createSign, randomUUID } from 'node:crypto';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { arch } from 'node:os';
import { join } from 'node:path';
import { freePort, httpStatus } from '../lib/net.mjs';

const have = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
export const skipWithoutRegistry = have('docker-registry') && have('skopeo') ? false : 'needs docker-registry and skopeo';
export const skipWithoutAuthTools = skipWithoutRegistry || (have('htpasswd') && have('openssl') ? false : 'needs htpasswd (apache2-utils) and openssl');
export const sha256 = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
export const GOARCH = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' }[arch()] ?? arch();

/** A tar of `files` ({path: Buffer, or a host path to copy}) with root ownership. */
export function tarOf(dir, files) {
  for (const [p, data] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    if (typeof data === 'string') copyFileSync(data, join(dir, p)); else writeFileSync(join(dir, p), data);
  }
  // Each top directory once: GNU tar given a name twice archives it twice, its files the second
  // time as hard links to themselves.
  const tops = [...new Set(Object.keys(files).map((p) => p.split('/')[0]))];
  const r = spawnSync('tar', ['-C', dir, '--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-cf', '-', ...tops], { maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}

/**
 * A two-layer OCI image layout in `dir`, tagged "1": layer n holds `layerFiles[n]`.
 * Returns its blobs, the diffIDs and the total size.
 */
export function makeLayout(work, dir, layerFiles, imageConfig = {}) {
  const tars = layerFiles.map((files, i) => tarOf(join(work, `l${i + 1}`), files));
  const layers = tars.map((t) => gzipSync(t));
  const diffIDs = tars.map(sha256);
  const config = Buffer.from(JSON.stringify({ architecture: GOARCH, os: 'linux', ...imageConfig, rootfs: { type: 'layers', diff_ids: diffIDs } }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(l), size: l.length })),
  }));
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const b of [...layers, config, manifest]) writeFileSync(join(dir, 'blobs', 'sha256', sha256(b).slice(7)), b);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': '1' } }],
  }));
  return { layers, config, manifest, diffIDs, size: layers.reduce((n, l) => n + l.length, config.length + manifest.length) };
}

/** A JWT the registry's token auth accepts: RS256, signed by the key of the cert in its rootcertbundle. */
function jwt(keyPem, certPem, claims) {
  const b64u = (x) => Buffer.from(x).toString('base64url');
  const x5c = certPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const head = b64u(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [x5c] }));
  const body = b64u(JSON.stringify(claims));
  const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(keyPem).toString('base64url');
  return `${head}.${body}.${sig}`;
}

/**
 * A token server on loopback for the registry's `auth: token` mode: Basic credentials from
 * `users` ({name: password}) get a JWT granting the scopes asked for, and so does a POSTed
 * refresh-token grant with the refresh token `rt-<name>`; `requests` records them.
 */
async function startTokenServer(work, users) {
  const o = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(work, 'token-key.pem'),
    '-out', join(work, 'token-cert.pem'), '-days', '1', '-subj', '/CN=berth-test-token'], { encoding: 'utf8' });
  assert.equal(o.status, 0, o.stderr);
  const keyPem = readFileSync(join(work, 'token-key.pem'), 'utf8');
  const certPem = readFileSync(join(work, 'token-cert.pem'), 'utf8');
  const requests = [];
  const grant = (req, res, u, form) => {
    let scopes;
    let user;
    let ok;
    if (form) {
      // OAuth2's refresh-token grant (docker's identity tokens): `rt-<user>` is <user>'s token.
      scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
      const rt = form.get('refresh_token') ?? '';
      user = rt.startsWith('rt-') ? rt.slice(3) : '';
      ok = form.get('grant_type') === 'refresh_token' && user in users;
      requests.push({ user, scopes, grant: 'refresh_token' });
    } else {
      scopes = u.searchParams.getAll('scope');
      const authz = req.headers.authorization ?? '';
      const pair = authz.startsWith('Basic ') ? Buffer.from(authz.slice(6), 'base64').toString() : '';
      const i = pair.indexOf(':');
      user = i < 0 ? '' : pair.slice(0, i);
      ok = i >= 0 && users[user] === pair.slice(i + 1);
      requests.push({ user, scopes });
    }
    if (!ok) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.flatMap((s) => s.split(' ')).map((s) => {
      const [type, ...rest] = s.split(':');
      return { type, actions: rest.pop().split(','), name: rest.join(':') };
    });
    const token = jwt(keyPem, certPem, { iss: 'berth-test-issuer', sub: user, aud: form ? form.get('service') : u.searchParams.get('service'), exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(form ? { access_token: token, expires_in: 300 } : { token, expires_in: 300 }));
  };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    if (req.method !== 'POST') { grant(req, res, u); return; }
    const body = [];
    req.on('data', (b) => body.push(b));
    req.on('end', () => grant(req, res, u, new URLSearchParams(Buffer.concat(body).toString())));
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    yaml: ['auth:', '  token:', `    realm: http://127.0.0.1:${port}/token`, '    service: berth-test-registry',
      '    issuer: berth-test-issuer', `    rootcertbundle: ${join(work, 'token-cert.pem')}`],
    requests,
    close: () => new Promise((r) => server.close(r)),
  };
}

/**
 * Starts docker-registry on a free loopback port with its storage under `work`.
 * `opts.tls`: https with a self-signed certificate for IP 127.0.0.1 made by openssl (`caFile`).
 * `opts.htpasswd` ({user: password}): Basic authentication from an htpasswd file (bcrypt, made
 * by apache2-utils' htpasswd). `opts.token` ({user: password}): Bearer tokens from a token
 * server started here (`tokenRequests` lists what it was asked).
 */
export async function startRegistry(work, opts = {}) {
  mkdirSync(work, { recursive: true });
  const tls = [];
  const cert = join(work, 'tls.crt');
  if (opts.tls) {
    const key = join(work, 'tls.key');
    const o = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
    assert.equal(o.status, 0, o.stderr);
    tls.push('  tls:', `    certificate: ${cert}`, `    key: ${key}`);
  }
  const host = `127.0.0.1:${await freePort()}`;
  const cfg = join(work, 'config.yml');
  const auth = [];
  let token;
  if (opts.htpasswd) {
    const file = join(work, 'htpasswd');
    writeFileSync(file, Object.entries(opts.htpasswd).map(([u, p]) => {
      const r = spawnSync('htpasswd', ['-Bbn', u, p], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    }).join('\n') + '\n');
    auth.push('auth:', '  htpasswd:', '    realm: berth-test-realm', `    path: ${file}`);
  } else if (opts.token) {
    token = await startTokenServer(work, opts.token);
    auth.push(...token.yaml);
  }
  writeFileSync(cfg, ['version: 0.1', 'log:', '  level: info', 'storage:', '  filesystem:',
    `    rootdirectory: ${join(work, 'data')}`, 'http:', `  addr: ${host}`, ...tls, ...auth].join('\n') + '\n');
  const proc = spawn('docker-registry', ['serve', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  let up = false;
  for (let i = 0; i < 100 && !up; i++) {
    assert.equal(proc.exitCode, null, `docker-registry exited: ${log}`);
    // Over TLS, any answer (even a refused certificate) means it listens.
    up = (opts.tls && /http: TLS handshake error|listening on/.test(log)) || (await httpStatus(`http://${host}/v2/`)) !== 0;
    if (!up) await new Promise((r) => setTimeout(r, 100));
  }
  if (!up) await token?.close();
  assert.ok(up, `docker-registry${opts.tls ? ' (tls)' : ''} did not start: ${log}`);
  return {
    host,
    ...(opts.tls ? { caFile: cert } : {}),
    log: () => log,
    tokenRequests: token?.requests ?? [],
    async stop() {
      await token?.close();
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

/**
 * Adds to the layout `dir` a tag "multi": an index of this host's manifest of `img` (makeLayout's
 * result) and an s390x one with the same layers. Returns { index, other, otherConfig } (buffers).
 */
export function addMultiIndex(dir, img) {
  const config = Buffer.from(img.config.toString().replace(`"architecture":"${GOARCH}"`, '"architecture":"s390x"'));
  const m = JSON.parse(img.manifest);
  m.config = { ...m.config, digest: sha256(config), size: config.length };
  const other = Buffer.from(JSON.stringify(m));
  const mt = 'application/vnd.oci.image.manifest.v1+json';
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: mt, digest: sha256(img.manifest), size: img.manifest.length, platform: { os: 'linux', architecture: GOARCH } },
      { mediaType: mt, digest: sha256(other), size: other.length, platform: { os: 'linux', architecture: 's390x' } },
    ],
  }));
  for (const b of [config, other, index]) writeFileSync(join(dir, 'blobs', 'sha256', sha256(b).slice(7)), b);
  const idx = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  idx.manifests.push({ mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256(index), size: index.length, annotations: { 'org.opencontainers.image.ref.name': 'multi' } });
  writeFileSync(join(dir, 'index.json'), JSON.stringify(idx));
  return { index, other, otherConfig: config };
}

/**
 * The layer directories, bottom first, of snapshot `chainID`, from the `snapshots mounts` of an
 * active snapshot `key` on it (its overlay lowerdirs, or the one bind-mounted directory of the
 * native snapshotter). An active snapshot, not a view: ctr marks what `prepare` makes as a GC
 * root and not what `view` makes, so containerd's background GC (started by an import's lease
 * going) may take a view between the two commands. `run(args)` is a ctr (berth's or
 * containerd's) resolving to { code, stdout, stderr }.
 */
export async function layerDirs(run, chainID, key) {
  const v = await run(['snapshots', 'prepare', key, chainID]);
  assert.equal(v.code, 0, v.stderr);
  const m = await run(['snapshots', 'mounts', '/mnt', key]);
  assert.equal(m.code, 0, m.stderr);
  const lower = /lowerdir=([^\s,]+)/.exec(m.stdout);
  if (lower) return lower[1].split(':').reverse();
  const bind = /mount -t \S+ (\S+) \/mnt/.exec(m.stdout);
  assert.ok(bind, `mount command: ${m.stdout}`);
  return [bind[1]];
}

/** skopeo copy of tag `tag` of the layout `ociDir` to docker://`dest` (`all`: every platform; `creds`: user:password). */
export function skopeoPush(ociDir, tag, dest, all = false, creds = undefined) {
  const r = spawnSync('skopeo', ['copy', '--quiet', ...(all ? ['--all'] : []), '--dest-tls-verify=false', ...(creds ? ['--dest-creds', creds] : []), `oci:${ociDir}:${tag}`, `docker://${dest}`], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `skopeo: ${r.stderr}`);
}

/** skopeo without blocking this process: needed when the token server runs in it. Resolves to stdout. */
export function skopeoAsync(...args) {
  return new Promise((resolve, reject) => {
    const p = spawn('skopeo', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), 120_000);
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out)); else reject(new Error(`skopeo ${args.join(' ')}: exit ${code}: ${err}`));
    });
  });
}
