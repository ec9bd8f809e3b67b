// ctr images rm/tag, content get/rm/active, snapshots ls/usage over a pulled two-layer image
// (Debian's docker-registry on 127.0.0.1, fed by skopeo, as in pull.test.mjs).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { arch } from 'node:os';
import { join } from 'node:path';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { freePort, httpStatus } from '../lib/net.mjs';

const have = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const skip = have('docker-registry') && have('skopeo') ? false : 'needs docker-registry and skopeo';
const sha256 = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const GOARCH = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' }[arch()] ?? arch();

function tarOf(dir, files) {
  for (const [p, data] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), data);
  }
  const r = spawnSync('tar', ['-C', dir, '--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-cf', '-', ...Object.keys(files).map((p) => p.split('/')[0])], { maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}

/** A two-layer OCI image layout (small files: enough for a chain of two snapshots). */
function makeLayout(work, dir) {
  const t1 = tarOf(join(work, 'l1'), { 'etc/one.txt': Buffer.from('one\n') });
  const t2 = tarOf(join(work, 'l2'), { 'etc/two.txt': Buffer.from('two\n') });
  const layers = [gzipSync(t1), gzipSync(t2)];
  const config = Buffer.from(JSON.stringify({ architecture: GOARCH, os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(t1), sha256(t2)] } }));
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
  return { layers, config, manifest, diffIDs: [sha256(t1), sha256(t2)] };
}

describe('ctr images rm/tag, content get/rm/active, snapshots ls/usage', { skip }, () => {
  registerCleanup();
  const work = tempDir('cmds-work');
  const root = tempDir('cmds-root');
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000 });
  let registry;
  let log = '';
  let host;
  let image;
  const ref = () => `${host}/test/small:1`;
  const blobFile = (d) => join(root, 'io.containerd.content.v1.content', 'blobs', 'sha256', d.slice(7));

  before(async () => {
    const port = await freePort();
    host = `127.0.0.1:${port}`;
    const cfg = join(work, 'config.yml');
    writeFileSync(cfg, ['version: 0.1', 'log:', '  level: info', 'storage:', '  filesystem:',
      `    rootdirectory: ${join(work, 'data')}`, 'http:', `  addr: ${host}`].join('\n') + '\n');
    registry = spawn('docker-registry', ['serve', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
    registry.stdout.on('data', (d) => { log += d; });
    registry.stderr.on('data', (d) => { log += d; });
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      assert.equal(registry.exitCode, null, `docker-registry exited: ${log}`);
      up = (await httpStatus(`http://${host}/v2/`)) !== 0;
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(up, `docker-registry did not start: ${log}`);
    image = makeLayout(work, join(work, 'oci'));
    const r = spawnSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${join(work, 'oci')}:1`, `docker://${ref()}`], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `skopeo: ${r.stderr}`);
    const p = await ctr('images', 'pull', '--plain-http', ref());
    assert.equal(p.code, 0, p.stderr);
  });

  after(async () => {
    if (registry && registry.exitCode === null) {
      registry.kill('SIGTERM');
      await new Promise((r) => registry.once('exit', r));
    }
    rmSync(work, { recursive: true, force: true });
    // Snapshot directories may hold nothing mounted (unpack does not leave mounts).
    rmSync(root, { recursive: true, force: true });
  });

  it('content get prints the manifest blob byte for byte', async () => {
    const d = sha256(image.manifest);
    // The manifest is ASCII JSON, so the helper's utf8 stdout round-trips byte for byte.
    const g = await ctr('content', 'get', d);
    assert.equal(g.code, 0, g.stderr);
    assert.equal(sha256(Buffer.from(g.stdout, 'utf8')), d);
  });

  it('snapshots ls shows the committed chain with its parent; usage lists each key', async () => {
    const [c1, c2] = [image.diffIDs[0], sha256(`${image.diffIDs[0]} ${image.diffIDs[1]}`)];
    const r = await ctr('snapshots', 'ls');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^KEY +PARENT +KIND$/);
    assert.ok(lines.some((l) => new RegExp(`^${c1} +Committed$`).test(l)), r.stdout);
    assert.ok(lines.some((l) => new RegExp(`^${c2} +${c1} +Committed$`).test(l)), r.stdout);
    const alias = await ctr('snapshot', 'ls');
    assert.equal(alias.stdout, r.stdout);
    const u = await ctr('snapshots', 'usage');
    assert.equal(u.code, 0, u.stderr);
    assert.match(u.stdout.split('\n')[0], /^KEY +SIZE +INODES$/);
    assert.ok(u.stdout.includes(c2), u.stdout);
  });

  it('content active lists no transfers once the pull is done', async () => {
    const r = await ctr('content', 'active');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^REF +SIZE +AGE\n$/);
  });

  it('tag adds a second record; rm of one keeps the blobs; rm of the last deletes them', async () => {
    const t = await ctr('images', 'tag', ref(), 'example.com/copy:2');
    assert.equal(t.code, 0, t.stderr);
    assert.equal(t.stdout, 'example.com/copy:2\n');
    const dup = await ctr('images', 'tag', ref(), 'example.com/copy:2');
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr.trim().split('\n').length, 1, dup.stderr);
    assert.equal((await ctr('images', 'tag', '--force', ref(), 'example.com/copy:2')).code, 0);
    const ls = await ctr('images', 'ls', '-q');
    assert.deepEqual(ls.stdout.trim().split('\n').sort(), [ref(), 'example.com/copy:2'].sort());

    const rm1 = await ctr('images', 'rm', 'example.com/copy:2');
    assert.equal(rm1.code, 0, rm1.stderr);
    assert.equal(rm1.stdout, 'example.com/copy:2\n');
    const all = [image.manifest, image.config, ...image.layers].map(sha256);
    const c1 = await ctr('content', 'ls', '-q');
    for (const d of all) {
      assert.ok(c1.stdout.includes(d), `${d} still listed`);
      assert.ok(existsSync(blobFile(d)), `${d} still on disk`);
    }

    const rm2 = await ctr('images', 'rm', ref(), 'nope:1');
    assert.equal(rm2.code, 1);
    assert.equal(rm2.stdout, `${ref()}\n`);
    assert.equal(rm2.stderr, 'ctr: image "nope:1": not found\n');
    const c2 = await ctr('content', 'ls', '-q');
    for (const d of all) {
      assert.ok(!c2.stdout.includes(d), `${d} gone from content ls`);
      assert.ok(!existsSync(blobFile(d)), `${d} gone from disk`);
    }
    assert.equal((await ctr('images', 'ls', '-q')).stdout, '');
  });

  it('errors are one line and exit 1', async () => {
    const missing = `sha256:${'0'.repeat(64)}`;
    for (const args of [['content', 'get', missing], ['content', 'rm', missing], ['images', 'tag', 'nope:1', 'x:1'], ['i', 'rm', 'nope:1']]) {
      const r = await ctr(...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, /^ctr: [^\n]+\n$/, `${args.join(' ')}: ${r.stderr}`);
    }
  });
});
