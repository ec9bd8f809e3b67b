// Issue 3 gaps of `ctr images pull` against real registries (Debian's docker-registry, images
// pushed by skopeo, or byte for byte by the test where skopeo would recompress): zstd and uncompressed layers, an index whose children carry no platform,
// several platforms and --all-platforms, and hosts.toml mirrors with fallback to the origin.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { REPO_ROOT, registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { freePort } from '../lib/net.mjs';
import { GOARCH, sha256, skipWithoutRegistry as skip, skopeoPush, startRegistry } from './registry-lib.mjs';
import { addImage, addIndex, pushRaw, startTlsRegistry, tarStream } from './gaps-lib.mjs';

const { resolveImageConfig } = createRequire(import.meta.url)(join(REPO_ROOT, 'packages/core/dist/containers/image-config.js'));
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('ctr images pull: layer compressions, platforms, mirrors', { skip }, () => {
  registerCleanup();
  const work = tempDir('pull-gaps-work');
  const root = tempDir('pull-gaps-root');
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000 });
  const oci = join(work, 'oci');
  let origin;
  let mirror;
  let tls;
  let tlsImage;
  let mixed;
  let host;
  let other;
  let plain;
  let indexed;

  /** The snapshot fs directories holding `rel`. */
  const holders = (rel) => {
    const snaps = join(root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots');
    return readdirSync(snaps).map((d) => join(snaps, d, 'fs')).filter((d) => existsSync(join(d, rel)));
  };

  before(async () => {
    mkdirSync(join(work, 'origin'));
    mkdirSync(join(work, 'mirror'));
    origin = await startRegistry(join(work, 'origin'));
    mirror = await startRegistry(join(work, 'mirror'));
    const file = (name, data) => ({ name, data });
    mixed = addImage(oci, [
      { tar: tarStream([{ name: 'gz/', type: 'dir' }, file('gz/a.txt', 'gzip layer\n')]), compression: 'gzip' },
      { tar: tarStream([{ name: 'zs/', type: 'dir' }, file('zs/b.txt', 'zstd layer\n'.repeat(1000))]), compression: 'zstd' },
      { tar: tarStream([{ name: 'raw/', type: 'dir' }, file('raw/c.txt', 'uncompressed layer\n')]), compression: 'none' },
    ], { tag: 'mixed' });
    host = addImage(oci, [{ tar: tarStream([file('which.txt', `built for ${GOARCH}\n`)]) }], { config: { config: { Cmd: ['/which'] } } });
    other = addImage(oci, [{ tar: tarStream([file('which.txt', 'built for s390x\n')]) }], { arch: 's390x' });
    plain = addIndex(oci, [{ ...other, arch: 's390x' }, { ...host, arch: GOARCH }], 'noplatform', { withPlatform: false });
    indexed = addIndex(oci, [{ ...host, arch: GOARCH }, { ...other, arch: 's390x' }], 'multi');
    await pushRaw(origin.host, 'gaps/img', 'mixed', { blobs: [...mixed.blobs, mixed.config], manifest: mixed.manifest });
    skopeoPush(oci, 'noplatform', `${origin.host}/gaps/img:noplatform`, true);
    skopeoPush(oci, 'multi', `${origin.host}/gaps/img:multi`, true);
    tls = await startTlsRegistry(join(work, 'tls'));
    tlsImage = addImage(oci, [{ tar: tarStream([file('tls.txt', 'served over https\n')]) }], { tag: 'tls' });
    skopeoPush(oci, 'tls', `${origin.host}/gaps/img:tls`);
    skopeoPush(oci, 'tls', `${tls.host}/gaps/img:tls`);
    await pushRaw(mirror.host, 'gaps/img', 'mixed', { blobs: [...mixed.blobs, mixed.config], manifest: mixed.manifest });
  });

  after(async () => {
    await origin?.stop();
    await mirror?.stop();
    await tls?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('gzip, zstd and uncompressed layers pull, verify and unpack', async () => {
    const ref = `${origin.host}/gaps/img:mixed`;
    const r = await ctr('-n', 'comp', 'images', 'pull', '--plain-http', ref);
    assert.equal(r.code, 0, r.stderr);
    for (const b of mixed.blobs) assert.match(r.stdout, new RegExp(`^layer-${sha256(b)}: done$`, 'm'));
    assert.equal(readFileSync(join(holders('gz/a.txt')[0], 'gz/a.txt'), 'utf8'), 'gzip layer\n');
    assert.equal(readFileSync(join(holders('zs/b.txt')[0], 'zs/b.txt'), 'utf8'), 'zstd layer\n'.repeat(1000));
    assert.equal(readFileSync(join(holders('raw/c.txt')[0], 'raw/c.txt'), 'utf8'), 'uncompressed layer\n');
    const check = await ctr('-n', 'comp', 'images', 'check');
    assert.match(check.stdout, new RegExp(`^${esc(ref)} .* complete \\(4/4\\) .* true\\s*$`, 'm'), check.stdout);
  });

  it('an index whose children carry no platform: the child whose config matches is unpacked', async () => {
    const ref = `${origin.host}/gaps/img:noplatform`;
    const r = await ctr('-n', 'plain', 'images', 'pull', '--plain-http', ref);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^unpacking linux/${GOARCH}\\S* ${sha256(plain.index)}\\.\\.\\.$`, 'm'));
    const dirs = holders('which.txt').map((d) => readFileSync(join(d, 'which.txt'), 'utf8'));
    assert.ok(dirs.includes(`built for ${GOARCH}\n`), `unpacked: ${dirs}`);
    assert.ok(!dirs.includes('built for s390x\n'), 'the s390x layer is not unpacked');
    const content = (await ctr('-n', 'plain', 'content', 'ls', '-q')).stdout;
    assert.ok(content.includes(sha256(host.config)), 'the host config is stored');
    const usage = await ctr('-n', 'plain', 'images', 'check');
    assert.match(usage.stdout, new RegExp(`^${esc(ref)} .* complete .* true\\s*$`, 'm'), usage.stdout);
    // A container made from it gets the host child's config and chain.
    const resolved = resolveImageConfig(root, { name: ref, target: { mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256(plain.index), size: plain.index.length } });
    assert.deepEqual([resolved.config.Cmd, resolved.chainID], [['/which'], host.diffIDs[0]]);
    const s390 = await ctr('-n', 'plain-s390x', 'images', 'pull', '--plain-http', '--platform', 'linux/s390x', ref);
    assert.equal(s390.code, 0, s390.stderr);
    assert.ok(holders('which.txt').some((d) => readFileSync(join(d, 'which.txt'), 'utf8') === 'built for s390x\n'));
  });

  it('--platform given twice fetches and unpacks both; --all-platforms every one', async () => {
    const ref = `${origin.host}/gaps/img:multi`;
    const two = await ctr('-n', 'two', 'images', 'pull', '--plain-http', '--platform', `linux/${GOARCH}`, '--platform', 'linux/s390x', ref);
    assert.equal(two.code, 0, two.stderr);
    assert.match(two.stdout, new RegExp(`^unpacking linux/${GOARCH} ${sha256(indexed.index)}\\.\\.\\.$`, 'm'));
    assert.match(two.stdout, new RegExp(`^unpacking linux/s390x ${sha256(indexed.index)}\\.\\.\\.$`, 'm'));
    const c2 = (await ctr('-n', 'two', 'content', 'ls', '-q')).stdout.trim().split('\n').sort();
    assert.deepEqual(c2, [indexed.index, host.manifest, host.config, ...host.blobs, other.manifest, other.config, ...other.blobs].map(sha256).sort());
    assert.equal((await ctr('-n', 'two', 'images', 'ls', '-q')).stdout, `${ref}\n`);

    const all = await ctr('-n', 'all', 'images', 'pull', '--plain-http', '--all-platforms', '--print-chainid', ref);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stdout.split('\n').filter((l) => l.startsWith('unpacking ')).length, 2, all.stdout);
    assert.match(all.stdout, new RegExp(`^image chain ID: ${host.diffIDs[0]}$`, 'm'));
    assert.match(all.stdout, new RegExp(`^image chain ID: ${other.diffIDs[0]}$`, 'm'));
    // As ctr: each platform's chain ID right after its unpacking line.
    const lines = all.stdout.split('\n');
    lines.forEach((l, i) => { if (l.startsWith('image chain ID: ')) assert.match(lines[i - 1], /^unpacking /, all.stdout); });
    const ca = (await ctr('-n', 'all', 'content', 'ls', '-q')).stdout.trim().split('\n').sort();
    assert.deepEqual(ca, c2);
    const check = await ctr('-n', 'all', 'images', 'check');
    assert.match(check.stdout, /complete/);
  });

  it('--all-metadata stores every platform\'s manifest and config, only the host\'s layers', async () => {
    const ref = `${origin.host}/gaps/img:multi`;
    const r = await ctr('-n', 'meta', 'images', 'pull', '--plain-http', '--all-metadata', ref);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('unpacking ')).length, 1, r.stdout);
    const c = (await ctr('-n', 'meta', 'content', 'ls', '-q')).stdout.trim().split('\n').sort();
    assert.deepEqual(c, [indexed.index, host.manifest, host.config, ...host.blobs, other.manifest, other.config].map(sha256).sort());
    const check = await ctr('-n', 'meta', 'images', 'check');
    assert.match(check.stdout, / complete .* true\s*$/m, check.stdout);
  });

  it('--label on pull labels the image record', async () => {
    const ref = `${origin.host}/gaps/img:mixed`;
    const r = await ctr('-n', 'lbl', 'images', 'pull', '--plain-http', '--label', 'a=1', '--label', 'b=two', ref);
    assert.equal(r.code, 0, r.stderr);
    const row = (await ctr('-n', 'lbl', 'images', 'ls')).stdout.split('\n')[1];
    assert.match(row, /a=1,b=two\s*$/);
  });

  /** hosts.toml for the origin in a fresh hosts dir: `mirrors` first, then the origin as server. */
  const hostsDir = (name, mirrors) => {
    const dir = join(work, name);
    const sub = join(dir, origin.host.replace(/:(\d+)$/, '_$1_'));
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'hosts.toml'), [`server = "http://${origin.host}"`, '',
      ...mirrors.flatMap((m) => [`[host."http://${m}"]`, '  capabilities = ["pull", "resolve"]', '  skip_verify = true', '']),
    ].join('\n'));
    return dir;
  };
  const gets = (reg, what) => reg.log().split('\n').filter((l) => new RegExp(`"(GET|HEAD) /v2/gaps/img/${what}/`).test(l)).length;

  it('a hosts.toml mirror serves the pull; an image it lacks falls back to the origin', async () => {
    const dir = hostsDir('certs.d', [mirror.host]);
    // A root of its own: the blobs must be fetched, not found in the store.
    const root2 = tempDir('pull-gaps-mirror-root');
    const ctr2 = (...args) => runBin('ctr', ['--root', root2, ...args], { timeout: 120_000 });
    const [mBefore, oBefore] = [gets(mirror, 'blobs'), gets(origin, 'blobs')];
    const r = await ctr2('-n', 'mir', 'images', 'pull', '--hosts-dir', dir, `${origin.host}/gaps/img:mixed`);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(gets(mirror, 'blobs') > mBefore, 'blobs came from the mirror');
    assert.equal(gets(origin, 'blobs'), oBefore, 'no blob from the origin');
    assert.equal((await ctr2('-n', 'mir', 'images', 'ls', '-q')).stdout, `${origin.host}/gaps/img:mixed\n`);

    const fallback = await ctr2('-n', 'mir', 'images', 'pull', '--hosts-dir', dir, `${origin.host}/gaps/img:noplatform`);
    assert.equal(fallback.code, 0, fallback.stderr);
    assert.ok(gets(mirror, 'manifests') > 0, 'the mirror was asked first');
    assert.ok(gets(origin, 'manifests') > 0, 'the origin answered');
    rmSync(root2, { recursive: true, force: true });
  });

  it('a mirror that is down is skipped for the origin', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const dir = hostsDir('certs-dead', [dead]);
    const r = await ctr('-n', 'dead', 'images', 'pull', '--hosts-dir', dir, `${origin.host}/gaps/img:mixed`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await ctr('-n', 'dead', 'images', 'ls', '-q')).stdout, `${origin.host}/gaps/img:mixed\n`);
  });

  it('an https mirror: trusted through its hosts.toml ca or skip_verify; untrusted, the origin serves', async () => {
    const ref = `${origin.host}/gaps/img:tls`;
    const tlsBlobs = () => tls.log().split('\n').filter((l) => /"GET \/v2\/gaps\/img\/blobs\//.test(l)).length;
    for (const [name, settings, viaMirror] of [['ca', ['  ca = "mirror-ca.crt"'], true], ['skip', ['  skip_verify = true'], true], ['untrusted', [], false]]) {
      const dir = join(work, `certs-tls-${name}`);
      const sub = join(dir, origin.host);
      mkdirSync(sub, { recursive: true });
      copyFileSync(tls.caFile, join(sub, 'mirror-ca.crt'));
      writeFileSync(join(sub, 'hosts.toml'), [`server = "http://${origin.host}"`, '', `[host."https://${tls.host}"]`,
        '  capabilities = ["pull", "resolve"]', ...settings, ''].join('\n'));
      const r2 = tempDir(`pull-gaps-tls-${name}`);
      const before = tlsBlobs();
      const r = await runBin('ctr', ['--root', r2, 'images', 'pull', '--hosts-dir', dir, ref], { timeout: 120_000 });
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^layer-${sha256(tlsImage.blobs[0])}: done$`, 'm'));
      if (viaMirror) assert.ok(tlsBlobs() > before, `${name}: the https mirror served the blobs`);
      else assert.equal(tlsBlobs(), before, `${name}: nothing was taken from a mirror berth cannot trust`);
      rmSync(r2, { recursive: true, force: true });
    }
  });

  it('--skip-verify: an https registry with a self-signed certificate is refused in one line, then pulled', async () => {
    const ref = `${tls.host}/gaps/img:tls`;
    const r2 = tempDir('pull-gaps-skip-verify');
    const refused = await runBin('ctr', ['--root', r2, 'images', 'pull', ref], { timeout: 120_000 });
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.split('\n').filter(Boolean).length, 1, refused.stderr);
    assert.match(refused.stderr, new RegExp(`^ctr: .*${esc(tls.host)}.*(certificate|self.signed)`, 'i'));
    assert.equal((await runBin('ctr', ['--root', r2, 'images', 'ls', '-q'])).stdout, '');
    const ok = await runBin('ctr', ['--root', r2, 'images', 'pull', '--skip-verify', ref], { timeout: 120_000 });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((await runBin('ctr', ['--root', r2, 'images', 'ls', '-q'])).stdout, `${ref}\n`);
    rmSync(r2, { recursive: true, force: true });
  });

  it('a Docker schema 2 manifest list (skopeo --format v2s2), by tag and by digest, into the native snapshotter', async () => {
    const tagged = `${origin.host}/gaps/docker:list`;
    const sk = spawnSync('skopeo', ['copy', '--quiet', '--all', '--format', 'v2s2', '--dest-tls-verify=false', `oci:${oci}:multi`, `docker://${tagged}`], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(sk.status, 0, sk.stderr);
    const r = await ctr('-n', 'docker', 'images', 'pull', '--plain-http', '--snapshotter', 'native', tagged);
    assert.equal(r.code, 0, r.stderr);
    const [row] = (await ctr('-n', 'docker', 'images', 'ls')).stdout.split('\n').slice(1);
    const cells = row.split(/ +/);
    assert.equal(cells[1], 'application/vnd.docker.distribution.manifest.list.v2+json');
    assert.equal(cells[5], `linux/${GOARCH},linux/s390x`);
    const byDigest = `${origin.host}/gaps/docker@${cells[2]}`;
    const d = await ctr('-n', 'docker', 'images', 'pull', '--plain-http', '--snapshotter', 'native', byDigest);
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual((await ctr('-n', 'docker', 'images', 'ls', '-q')).stdout.split('\n').filter(Boolean).sort(), [byDigest, tagged].sort());
    const native = join(root, 'io.containerd.snapshotter.v1.native', 'snapshots');
    const files = readdirSync(native).map((n) => join(native, n, 'which.txt')).filter(existsSync).map((f) => readFileSync(f, 'utf8'));
    assert.deepEqual(files, [`built for ${GOARCH}\n`]);
    const check = await ctr('-n', 'docker', 'images', 'check', '--snapshotter', 'native');
    assert.match(check.stdout, new RegExp(`^${esc(tagged)} .* complete .* true\\s*$`, 'm'), check.stdout);
  });
});
