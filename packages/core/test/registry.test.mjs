// Image references, platforms, media types, hosts.toml, credentials, and the registry v2 client.
// The client is driven against REAL registries (Debian's docker-registry: one open, one with
// htpasswd Basic auth, one with Bearer tokens from a token server run here), with images pushed
// by skopeo and pushes of ours checked by skopeo; a tiny fake server on 127.0.0.1 plays the
// registry that answers garbage. Everything listens on 127.0.0.1 and is stopped in `after`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, readFileSync, copyFileSync, chmodSync } from 'node:fs';
import { createHash, createSign, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { freePort, httpStatus } from '../../../test/lib/net.mjs';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const require = createRequire(import.meta.url);
const ref = require(join(DIST, 'images/reference.js'));
const mt = require(join(DIST, 'images/media-types.js'));
const plat = require(join(DIST, 'images/platform.js'));
const reg = require(join(DIST, 'images/registry/index.js'));
const { NotFoundError, InvalidArgumentError } = require(join(DIST, 'errors.js'));

const have = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const haveAll = have('docker-registry') && have('skopeo') && have('htpasswd') && have('openssl');
const withTools = { skip: haveAll ? false : 'needs docker-registry, skopeo, htpasswd (apache2-utils), openssl' };

const sha256 = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const TMP = mkdtempSync(join(tmpdir(), 'berth-registry-'));
const procs = [];
const servers = [];

after(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  for (const p of procs) {
    if (p.exitCode === null) {
      p.kill('SIGTERM');
      await new Promise((r) => p.once('exit', r));
    }
  }
  rmSync(TMP, { recursive: true, force: true });
});



async function startRegistry(name, authYaml = '') {
  const port = await freePort();
  const dir = join(TMP, name);
  mkdirSync(dir, { recursive: true });
  const cfg = join(dir, 'config.yml');
  writeFileSync(cfg, [
    'version: 0.1',
    'log:',
    '  level: error',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
    authYaml,
  ].join('\n') + '\n');
  const p = spawn('docker-registry', ['serve', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d) => { stderr += d; });
  procs.push(p);
  for (let i = 0; i < 100; i++) {
    if (p.exitCode !== null) throw new Error(`docker-registry ${name} exited: ${stderr}`);
    if ((await httpStatus(`http://127.0.0.1:${port}/v2/`)) !== 0) return { host: `127.0.0.1:${port}`, port };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry ${name} did not start: ${stderr}`);
}

/** A one-layer OCI image in an OCI layout directory: busybox-static as /bin/busybox. */
function makeOciLayout(dir, tag) {
  const root = join(TMP, 'rootfs');
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'));
  const tar = spawnSync('tar', ['-C', root, '--owner=0', '--group=0', '--numeric-owner', '-cf', '-', 'bin'], { maxBuffer: 64 << 20 });
  assert.equal(tar.status, 0, String(tar.stderr));
  const layer = gzipSync(tar.stdout);
  const host = plat.hostPlatform();
  const config = Buffer.from(JSON.stringify({
    architecture: host.architecture, os: host.os,
    config: { Cmd: ['/bin/busybox', 'sh'] },
    rootfs: { type: 'layers', diff_ids: [sha256(tar.stdout)] },
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: mt.MediaType.OciManifest,
    config: { mediaType: mt.MediaType.OciConfig, digest: sha256(config), size: config.length },
    layers: [{ mediaType: mt.MediaType.OciLayerGzip, digest: sha256(layer), size: layer.length }],
  }));
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const b of [layer, config, manifest]) writeFileSync(join(dir, 'blobs', 'sha256', sha256(b).slice(7)), b);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: mt.MediaType.OciManifest, digest: sha256(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': tag } }],
  }));
  return { layer, config, manifest };
}

function skopeo(...args) {
  const r = spawnSync('skopeo', args, { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `skopeo ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** skopeo without blocking the event loop, for when it must talk to a server running in this process. */
function skopeoAsync(...args) {
  return new Promise((resolve, reject) => {
    const p = spawn('skopeo', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`skopeo ${args.join(' ')}: exit ${code}: ${err}`))));
  });
}

function readStream(s) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    s.on('data', (c) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks)));
    s.on('error', reject);
  });
}

// ---- references ----

const REFS = [
  ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
  ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
  ['library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
  ['docker.io/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
  ['index.docker.io/library/busybox:x', 'docker.io/library/busybox:x', 'busybox:x'],
  ['user/app', 'docker.io/user/app:latest', 'user/app:latest'],
  ['localhost/app', 'localhost/app:latest', 'localhost/app:latest'],
  ['localhost:5000/a/b:tag', 'localhost:5000/a/b:tag', 'localhost:5000/a/b:tag'],
  ['127.0.0.1:5000/test/busybox:v1', '127.0.0.1:5000/test/busybox:v1', '127.0.0.1:5000/test/busybox:v1'],
  ['[::1]:5000/x:y', '[::1]:5000/x:y', '[::1]:5000/x:y'],
  ['quay.io/a-b/c_d.e__f:T.1-x', 'quay.io/a-b/c_d.e__f:T.1-x', 'quay.io/a-b/c_d.e__f:T.1-x'],
  [`busybox@sha256:${'a'.repeat(64)}`, `docker.io/library/busybox@sha256:${'a'.repeat(64)}`, `busybox@sha256:${'a'.repeat(64)}`],
  [`ghcr.io/o/r:v2@sha256:${'b'.repeat(64)}`, `ghcr.io/o/r:v2@sha256:${'b'.repeat(64)}`, `ghcr.io/o/r:v2@sha256:${'b'.repeat(64)}`],
];

test('references normalise as docker and containerd do', () => {
  for (const [input, full, familiar] of REFS) {
    assert.equal(ref.normalizeReference(input), full, input);
    assert.equal(ref.familiarName(input), familiar, input);
  }
  const r = ref.parseReference(`localhost:5000/a/b:t@sha256:${'c'.repeat(64)}`);
  assert.deepEqual(r, { domain: 'localhost:5000', path: 'a/b', tag: 't', digest: `sha256:${'c'.repeat(64)}` });
  assert.equal(ref.referenceObject(r), r.digest);
});

const BAD_REFS = [
  ['', /empty/],
  ['Busybox', /must be lowercase/],
  ['docker.io/Library/busybox', /must be lowercase/],
  ['busybox:-x', /tag "-x"/],
  [`busybox:${'t'.repeat(129)}`, /tag/],
  ['busybox@sha256:abc', /64 lowercase hex/],
  [`busybox@sha256:${'A'.repeat(64)}`, /lowercase hex/],
  [`busybox@md5:${'a'.repeat(32)}`, /algorithm "md5"/],
  ['localhost:port/x', /port "port"|tag/],
  ['a//b', /empty path component/],
  ['bad_host.-x/y', /registry host/],
  ['foo/bar!', /invalid characters/],
  ['a'.repeat(64), /image id/],
  [`x.io/${'a/'.repeat(130)}b`, /longer than 255/],
];

test('bad references are refused naming the bad part', () => {
  for (const [input, re] of BAD_REFS) {
    assert.throws(() => ref.parseReference(input), (e) => e instanceof InvalidArgumentError && re.test(e.message), input);
  }
});

// ---- media types and platforms ----

test('media types: kinds and compression', () => {
  assert.ok(mt.isIndex(mt.MediaType.DockerManifestList) && mt.isIndex(`${mt.MediaType.OciIndex}; charset=utf-8`));
  assert.ok(mt.isManifest(mt.MediaType.DockerManifest) && !mt.isManifest(mt.MediaType.OciIndex));
  assert.ok(mt.isConfig(mt.MediaType.DockerConfig) && mt.isConfig(mt.MediaType.OciConfig));
  assert.equal(mt.layerCompression(mt.MediaType.DockerLayerGzip), 'gzip');
  assert.equal(mt.layerCompression(mt.MediaType.DockerForeignLayerGzip), 'gzip');
  assert.equal(mt.layerCompression(mt.MediaType.OciLayerZstd), 'zstd');
  assert.equal(mt.layerCompression(mt.MediaType.OciLayer), 'none');
  assert.equal(mt.layerCompression(mt.MediaType.OciConfig), undefined);
  assert.ok(mt.isForeignLayer(mt.MediaType.OciLayerNonDistributableGzip) && !mt.isForeignLayer(mt.MediaType.OciLayerGzip));
});

test('platforms: parse, normalise, host, and containerd ordering', () => {
  const host = plat.hostPlatform();
  assert.equal(host.os, 'linux');
  assert.deepEqual(plat.parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(plat.parsePlatform('linux/aarch64'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(plat.parsePlatform('linux/arm'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.deepEqual(plat.parsePlatform('linux/x86_64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(plat.parsePlatform('arm64'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(plat.parsePlatform('linux'), host);
  assert.equal(plat.formatPlatform(plat.parsePlatform('linux/armhf')), 'linux/arm/v7');
  assert.throws(() => plat.parsePlatform('linux//x'), /invalid platform "linux\/\/x"/);
  assert.throws(() => plat.parsePlatform('a/b/c/d'), /invalid platform/);

  const arm64 = plat.platformMatcher({ os: 'linux', architecture: 'arm64' });
  const items = [
    { platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    { platform: { os: 'linux', architecture: 'amd64' } },
    { platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { platform: { os: 'windows', architecture: 'arm64' } },
  ];
  assert.deepEqual(arm64.sort(items).map((i) => plat.formatPlatform(i.platform)), ['linux/arm64', 'linux/arm/v7', 'linux/arm/v6']);
  const amd64 = plat.platformMatcher({ os: 'linux', architecture: 'amd64' });
  assert.ok(amd64.match({ os: 'linux', architecture: '386' }) && amd64.rank({ os: 'linux', architecture: 'amd64' }) === 0);
  assert.ok(!amd64.match({ os: 'linux', architecture: 'arm64' }));
  assert.ok(plat.platformMatcher().match(host));
});

// ---- hosts.toml and credentials ----

test('hosts.toml: mirrors first with their capabilities, server last, ca relative to the directory', () => {
  const d = join(TMP, 'certs.d');
  mkdirSync(join(d, 'docker.io'), { recursive: true });
  writeFileSync(join(d, 'docker.io', 'mirror-ca.crt'), 'CA-BYTES');
  writeFileSync(join(d, 'docker.io', 'hosts.toml'), [
    'server = "https://registry-1.docker.io"',
    '[host."https://mirror.example:8443"]',
    '  capabilities = ["pull", "resolve"]',
    '  skip_verify = true',
    '  ca = "mirror-ca.crt"',
    '  [host."https://mirror.example:8443".header]',
    '    x-test = "1"',
    '[host."http://pullonly.example/prefix"]',
    '  capabilities = ["pull"]',
    '  override_path = true',
  ].join('\n'));
  mkdirSync(join(d, 'localhost_5000_'), { recursive: true });
  writeFileSync(join(d, 'localhost_5000_', 'hosts.toml'), 'server = "http://localhost:5000"\n');
  const eps = reg.registryEndpoints('docker.io', { hostsDir: d });
  assert.deepEqual(eps.map((e) => e.base.href), ['https://mirror.example:8443/v2', 'http://pullonly.example/prefix', 'https://registry-1.docker.io/v2']);
  assert.deepEqual([...eps[0].capabilities].sort(), ['pull', 'resolve']);
  assert.deepEqual([...eps[1].capabilities], ['pull']);
  assert.deepEqual([...eps[2].capabilities].sort(), ['pull', 'push', 'resolve']);
  assert.equal(eps[0].tls.rejectUnauthorized, false);
  assert.equal(eps[0].tls.ca[0].toString(), 'CA-BYTES');
  assert.deepEqual(eps[0].headers, { 'x-test': '1' });
  assert.equal(eps[2].tls.rejectUnauthorized, undefined);
  assert.equal(reg.registryEndpoints('localhost:5000', { hostsDir: d })[0].base.href, 'http://localhost:5000/v2');
  assert.deepEqual(reg.registryEndpoints('quay.io', { hostsDir: d }).map((e) => e.base.href), ['https://quay.io/v2']);
  assert.equal(reg.registryEndpoints('r.example:5000', { plainHttp: true })[0].base.href, 'http://r.example:5000/v2');
  assert.equal(reg.registryEndpoints('r.example', { skipVerify: true })[0].tls.rejectUnauthorized, false);
  writeFileSync(join(d, 'docker.io', 'hosts.toml'), '[host."https://m"]\ncapabilities = ["fly"]\n');
  assert.throws(() => reg.registryEndpoints('docker.io', { hostsDir: d }), /unknown capability "fly"/);
  writeFileSync(join(d, 'docker.io', 'hosts.toml'), 'server = \n');
  assert.throws(() => reg.registryEndpoints('docker.io', { hostsDir: d }), /hosts\.toml/);
});

test('credentials: docker config.json auths and credential helpers', (t) => {
  const d = join(TMP, 'docker-config');
  const bin = join(d, 'bin');
  mkdirSync(bin, { recursive: true });
  const helper = join(bin, 'docker-credential-berthtest');
  writeFileSync(helper, '#!/bin/sh\nread url\ncase "$url" in\n  helped.example) echo \'{"ServerURL":"helped.example","Username":"hu","Secret":"hs"}\' ;;\n  tok.example) echo \'{"ServerURL":"tok.example","Username":"<token>","Secret":"refresh"}\' ;;\n  *) echo "credentials not found in native keychain"; exit 1 ;;\nesac\n');
  chmodSync(helper, 0o755);
  const oldPath = process.env.PATH;
  process.env.PATH = `${bin}:${oldPath}`;
  t.after(() => { process.env.PATH = oldPath; });
  const file = join(d, 'config.json');
  writeFileSync(file, JSON.stringify({
    auths: {
      'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hubpass').toString('base64') },
      '127.0.0.1:5000': { auth: Buffer.from('u:p:with:colons').toString('base64') },
      'https://plain.example': { username: 'pu', password: 'pp' },
    },
    credHelpers: { 'helped.example': 'berthtest', 'tok.example': 'berthtest', 'nothere.example': 'berthtest' },
  }));
  const src = reg.dockerConfigCredentials(file);
  assert.deepEqual(src('docker.io'), { username: 'hubuser', secret: 'hubpass' });
  assert.deepEqual(src('127.0.0.1:5000'), { username: 'u', secret: 'p:with:colons' });
  assert.deepEqual(src('plain.example'), { username: 'pu', secret: 'pp' });
  assert.deepEqual(src('helped.example'), { username: 'hu', secret: 'hs' });
  assert.deepEqual(src('tok.example'), { username: '', secret: 'refresh', identityToken: true });
  assert.equal(src('nothere.example'), undefined);
  assert.equal(src('other.example'), undefined);
  assert.equal(reg.dockerConfigCredentials(join(d, 'missing.json'))('docker.io'), undefined);
  assert.deepEqual(reg.parseUserPass('a:b:c'), { username: 'a', secret: 'b:c' });
});

test('WWW-Authenticate challenges and scopes', () => {
  assert.deepEqual(reg.parseChallenges('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' } },
  ]);
  assert.deepEqual(reg.parseChallenges('Basic realm="x y", Bearer realm=r'), [
    { scheme: 'basic', params: { realm: 'x y' } }, { scheme: 'bearer', params: { realm: 'r' } },
  ]);
  assert.deepEqual(reg.mergeScopes(['repository:a:pull'], ['repository:a:push', 'repository:b:pull']), ['repository:a:pull,push', 'repository:b:pull']);
});

// ---- the real registry ----

let open; // { host, port }
let image; // { layer, config, manifest }

test('a real registry: skopeo pushes an OCI image, our client resolves and fetches it verified', withTools, async () => {
  open = await startRegistry('open');
  const layout = join(TMP, 'oci');
  image = makeOciLayout(layout, 'v1');
  skopeo('copy', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${open.host}/test/busybox:v1`);
  const c = new reg.RegistryClient({ plainHttp: true, credentials: null });
  const name = `${open.host}/test/busybox:v1`;
  const resolved = await c.resolve(name);
  assert.equal(resolved.name, name);
  assert.equal(resolved.descriptor.digest, sha256(image.manifest));
  assert.equal(resolved.descriptor.size, image.manifest.length);
  assert.equal(resolved.descriptor.mediaType, mt.MediaType.OciManifest);
  // By digest too, with a tag alongside (the digest wins).
  const byDigest = await c.resolve(`${open.host}/test/busybox:ignored@${sha256(image.manifest)}`);
  assert.equal(byDigest.descriptor.digest, sha256(image.manifest));

  const m = await c.fetchManifest(name, resolved.descriptor);
  assert.ok(m.bytes.equals(image.manifest));
  assert.equal(m.json.layers[0].digest, sha256(image.layer));
  const cfg = await c.readBlob(name, m.json.config);
  assert.ok(cfg.equals(image.config));

  const whole = await c.fetchBlob(name, m.json.layers[0], { verify: true });
  assert.equal(whole.offset, 0);
  assert.equal(whole.size, image.layer.length);
  assert.ok((await readStream(whole.stream)).equals(image.layer));

  // Resume: ask from byte N and get exactly the rest (206).
  const n = 1000;
  const rest = await c.fetchBlob(name, m.json.layers[0], { offset: n });
  assert.equal(rest.offset, n);
  assert.equal(rest.size, image.layer.length);
  assert.ok((await readStream(rest.stream)).equals(image.layer.subarray(n)));

  await assert.rejects(c.resolve(`${open.host}/test/busybox:nope`), (e) => e instanceof NotFoundError && e.message.includes(`image "${open.host}/test/busybox:nope" not found`));
  await assert.rejects(c.resolve(`${open.host}/test/nothing:v1`), NotFoundError);
  await assert.rejects(c.fetchBlob(name, sha256(Buffer.from('absent'))), (e) => e instanceof NotFoundError && /blob sha256:\w+ not found/.test(e.message));
});

test('a real registry: our client pushes blobs and a manifest, skopeo inspects them', withTools, async () => {
  assert.ok(open && image, 'runs after the pull test');
  const c = new reg.RegistryClient({ plainHttp: true, credentials: null });
  const name = `${open.host}/pushed/busybox:ours`;
  const cfgDesc = { digest: sha256(image.config), size: image.config.length };
  const layerDesc = { digest: sha256(image.layer), size: image.layer.length };
  assert.equal(await c.pushBlob(name, cfgDesc, image.config), 'pushed');
  assert.equal(await c.pushBlob(name, cfgDesc, image.config), 'exists');
  // The layer is in test/busybox already: mounted across repositories, not uploaded again.
  assert.equal(await c.pushBlob(name, layerDesc, image.layer, { mountFrom: 'test/busybox' }), 'mounted');
  // A stream body of a blob the registry does not have yet.
  const extra = Buffer.from('some extra blob bytes\n'.repeat(1000));
  const { Readable } = await import('node:stream');
  assert.equal(await c.pushBlob(name, { digest: sha256(extra), size: extra.length }, () => Readable.from([extra.subarray(0, 7), extra.subarray(7)])), 'pushed');
  assert.ok((await c.readBlob(name, sha256(extra))).equals(extra));
  await assert.rejects(c.pushBlob(name, { digest: sha256(Buffer.from('x')), size: 1 }, Buffer.from('y')), /digest/);

  const desc = await c.pushManifest(name, mt.MediaType.OciManifest, image.manifest);
  assert.equal(desc.digest, sha256(image.manifest));
  const inspected = JSON.parse(skopeo('inspect', '--tls-verify=false', `docker://${name}`));
  assert.equal(inspected.Digest, sha256(image.manifest));
  assert.deepEqual(inspected.Layers, [sha256(image.layer)]);
  const raw = skopeo('inspect', '--raw', '--tls-verify=false', `docker://${name}`);
  assert.equal(raw, image.manifest.toString());
});

test('a real registry with htpasswd: Basic authentication', withTools, async () => {
  assert.ok(image, 'runs after the pull test');
  const dir = join(TMP, 'basic-auth');
  mkdirSync(dir, { recursive: true });
  const pw = join(dir, 'htpasswd');
  const h = spawnSync('htpasswd', ['-B', '-b', '-c', pw, 'alice', 's3cret'], { encoding: 'utf8' });
  assert.equal(h.status, 0, h.stderr);
  const basic = await startRegistry('basic', `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${pw}\n`);
  const name = `${basic.host}/secure/busybox:v1`;
  const good = new reg.RegistryClient({ plainHttp: true, credentials: reg.staticCredentials({ username: 'alice', secret: 's3cret' }) });
  for (const b of [image.config, image.layer]) assert.equal(await good.pushBlob(name, { digest: sha256(b), size: b.length }, b), 'pushed');
  await good.pushManifest(name, mt.MediaType.OciManifest, image.manifest);
  assert.equal((await good.resolve(name)).descriptor.digest, sha256(image.manifest));
  assert.ok((await good.readBlob(name, sha256(image.config))).equals(image.config));
  const inspected = JSON.parse(skopeo('inspect', '--tls-verify=false', '--creds', 'alice:s3cret', `docker://${name}`));
  assert.equal(inspected.Digest, sha256(image.manifest));

  const wrong = new reg.RegistryClient({ plainHttp: true, credentials: reg.staticCredentials({ username: 'alice', secret: 'nope' }) });
  await assert.rejects(wrong.resolve(name), (e) => e instanceof reg.RegistryAuthError && /authentication to 127\.0\.0\.1:\d+ failed/.test(e.message));
  const anonymous = new reg.RegistryClient({ plainHttp: true, credentials: null });
  await assert.rejects(anonymous.resolve(name), (e) => e instanceof reg.RegistryAuthError && /requires credentials/.test(e.message));
});

/** A JWT the registry's token auth accepts: RS256, signed by the key of the cert in its rootcertbundle. */
function jwt(keyPem, certPem, claims) {
  const b64u = (x) => Buffer.from(x).toString('base64url');
  const x5c = certPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const head = b64u(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [x5c] }));
  const body = b64u(JSON.stringify(claims));
  const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(keyPem).toString('base64url');
  return `${head}.${body}.${sig}`;
}

test('a real registry with Bearer tokens: token flow, anonymous refused, token cache per scope', withTools, async () => {
  assert.ok(image, 'runs after the pull test');
  const dir = join(TMP, 'token-auth');
  mkdirSync(dir, { recursive: true });
  const o = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=berth-test-token'], { encoding: 'utf8' });
  assert.equal(o.status, 0, o.stderr);
  const keyPem = readFileSync(join(dir, 'key.pem'), 'utf8');
  const certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const requests = [];
  const tokenServer = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const scopes = u.searchParams.getAll('scope');
    requests.push(scopes.join(' '));
    const authz = req.headers.authorization ?? '';
    const user = authz.startsWith('Basic ') ? Buffer.from(authz.slice(6), 'base64').toString() : '';
    if (user !== 'bob:hunter2') {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.flatMap((s) => s.split(' ')).map((s) => {
      const [type, ...rest] = s.split(':');
      const actions = rest.pop().split(',');
      return { type, name: rest.join(':'), actions };
    });
    const token = jwt(keyPem, certPem, { iss: 'berth-test-issuer', sub: 'bob', aud: u.searchParams.get('service'), exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token, expires_in: 300 }));
  });
  servers.push(tokenServer);
  const tokenPort = await freePort();
  await new Promise((r) => tokenServer.listen(tokenPort, '127.0.0.1', r));
  const tokenReg = await startRegistry('token', [
    'auth:', '  token:', `    realm: http://127.0.0.1:${tokenPort}/token`, '    service: berth-test-registry',
    '    issuer: berth-test-issuer', `    rootcertbundle: ${join(dir, 'cert.pem')}`, '',
  ].join('\n'));
  const name = `${tokenReg.host}/tok/busybox:v1`;
  const c = new reg.RegistryClient({ plainHttp: true, credentials: reg.staticCredentials({ username: 'bob', secret: 'hunter2' }) });
  for (const b of [image.config, image.layer]) await c.pushBlob(name, { digest: sha256(b), size: b.length }, b);
  await c.pushManifest(name, mt.MediaType.OciManifest, image.manifest);
  assert.ok(requests.length >= 1 && requests.every((s) => s.includes('repository:tok/busybox:')), requests.join(' | '));
  const before = requests.length;
  const r1 = await c.resolve(name);
  const r2 = await c.resolve(name);
  await c.readBlob(name, sha256(image.config));
  assert.equal(r1.descriptor.digest, sha256(image.manifest));
  assert.equal(r2.descriptor.digest, sha256(image.manifest));
  // One token for the pull scope, reused for every later request.
  assert.deepEqual(requests.slice(before), ['repository:tok/busybox:pull']);
  const inspected = JSON.parse(await skopeoAsync('inspect', '--tls-verify=false', '--creds', 'bob:hunter2', `docker://${name}`));
  assert.equal(inspected.Digest, sha256(image.manifest));

  const wrong = new reg.RegistryClient({ plainHttp: true, credentials: reg.staticCredentials({ username: 'bob', secret: 'no' }) });
  await assert.rejects(wrong.resolve(name), (e) => e instanceof reg.RegistryAuthError && /authentication to 127\.0\.0\.1:\d+ failed for user "bob"/.test(e.message));
  const anonymous = new reg.RegistryClient({ plainHttp: true, credentials: null });
  await assert.rejects(anonymous.resolve(name), (e) => e instanceof reg.RegistryAuthError && /anonymous/.test(e.message));
});

// ---- a registry answering garbage ----

test('garbage from a registry: wrong digests, non-JSON, 404s, redirects and ignored ranges', async () => {
  const goodManifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: mt.MediaType.OciManifest, config: { mediaType: mt.MediaType.OciConfig, digest: sha256(Buffer.from('{}')), size: 2 }, layers: [] }));
  const otherBytes = Buffer.from('{"schemaVersion":2,"manifests":[]}');
  const blob = Buffer.from('0123456789'.repeat(100));
  const MT = mt.MediaType.OciManifest;
  const srv = http.createServer((req, res) => {
    const p = new URL(req.url, 'http://x').pathname;
    const send = (status, headers, body) => { res.writeHead(status, headers); res.end(req.method === 'HEAD' ? undefined : body); };
    if (p === '/v2/bad/digest/manifests/v1' || p === `/v2/bad/digest/manifests/${sha256(goodManifest)}`) {
      // Announces the good manifest's digest but sends other bytes.
      if (req.method === 'HEAD') return send(200, { 'Content-Type': MT });
      return send(200, { 'Content-Type': MT, 'Docker-Content-Digest': sha256(goodManifest) }, otherBytes);
    }
    if (p === '/v2/bad/json/manifests/v1') return send(200, { 'Content-Type': MT }, '<html>oops</html>');
    if (p === '/v2/missing/manifests/v1') {
      return send(404, { 'Content-Type': 'application/json' }, JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
    }
    if (p === '/v2/ok/manifests/v1') {
      if (req.method === 'HEAD') return send(405, {});
      return send(200, { 'Content-Type': 'application/json' }, goodManifest);
    }
    if (p === `/v2/redir/blobs/${sha256(blob)}`) return send(307, { Location: '/storage/blob?sig=1' });
    if (p === '/storage/blob') {
      assert.equal(req.headers.authorization, undefined);
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (m) return send(206, { 'Content-Range': `bytes ${m[1]}-${blob.length - 1}/${blob.length}`, 'Content-Length': blob.length - Number(m[1]) }, blob.subarray(Number(m[1])));
      return send(200, { 'Content-Length': blob.length }, blob);
    }
    if (p === `/v2/norange/blobs/${sha256(blob)}`) return send(200, { 'Content-Length': blob.length }, blob);
    if (p === `/v2/garbage/blobs/${sha256(blob)}`) return send(200, { 'Content-Length': blob.length }, Buffer.alloc(blob.length, 'x'));
    send(404, {}, '');
  });
  servers.push(srv);
  const port = await freePort();
  await new Promise((r) => srv.listen(port, '127.0.0.1', r));
  const host = `127.0.0.1:${port}`;
  const c = new reg.RegistryClient({ plainHttp: true, credentials: null });

  await assert.rejects(c.resolve(`${host}/bad/digest:v1`), (e) => e.message.includes(`registry returned content with digest ${sha256(otherBytes)}, expected ${sha256(goodManifest)}`));
  await assert.rejects(c.fetchManifest(`${host}/bad/digest:v1`, sha256(goodManifest)), (e) => e instanceof reg.DigestMismatchError && e.expected === sha256(goodManifest));
  await assert.rejects(c.resolve(`${host}/bad/json:v1`), /is not a JSON object/);
  await assert.rejects(c.resolve(`${host}/missing:v1`), (e) => e instanceof NotFoundError && e.message === `image "${host}/missing:v1" not found`);
  // HEAD refused: resolved by GET, media type read from the JSON.
  const ok = await c.resolve(`${host}/ok:v1`);
  assert.deepEqual(ok.descriptor, { mediaType: MT, digest: sha256(goodManifest), size: goodManifest.length });

  const redirected = await c.fetchBlob(`${host}/redir:x`, { digest: sha256(blob), size: blob.length }, { offset: 250 });
  assert.equal(redirected.offset, 250);
  assert.ok((await readStream(redirected.stream)).equals(blob.subarray(250)));
  const ignored = await c.fetchBlob(`${host}/norange:x`, sha256(blob), { offset: 250 });
  assert.equal(ignored.offset, 0, 'a 200 answer to a Range request restarts from 0');
  assert.ok((await readStream(ignored.stream)).equals(blob));
  const bad = await c.fetchBlob(`${host}/garbage:x`, { digest: sha256(blob), size: blob.length }, { verify: true });
  await assert.rejects(readStream(bad.stream), (e) => e instanceof reg.DigestMismatchError && /expected sha256:/.test(e.message));
  await assert.rejects(c.readBlob(`${host}/garbage:x`, sha256(blob)), reg.DigestMismatchError);

  // Nothing listening: a clear error naming the URL.
  const dead = await freePort();
  await assert.rejects(c.resolve(`127.0.0.1:${dead}/x:y`), (e) => e instanceof reg.RegistryError && e.message.includes(`127.0.0.1:${dead}`) && /ECONNREFUSED/.test(e.message));
});
