// Image archives: hand-made docker-save and OCI layout tars (hostile members no tar tool writes)
// imported through the core; a good archive (plain, gzip, zstd) records its images and blobs, and
// every hostile or broken one fails with one line naming the member and the cause, leaving no
// blob, no ingest and no image record — and nothing anywhere a member name points at.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { Readable, PassThrough } from 'node:stream';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const require = createRequire(import.meta.url);
const { importImages, importNames } = require(join(DIST, 'services/import.js'));
const { exportImages } = require(join(DIST, 'services/export.js'));
const { ContentStore } = require(join(DIST, 'content/index.js'));
const { openMetadata } = require(join(DIST, 'metadata/index.js'));
const { InvalidArgumentError, NotFoundError } = require(join(DIST, 'errors.js'));
const { cleanEntryName, symlinkTarget } = require(join(DIST, 'images/archive/index.js'));

const hasZstd = spawnSync('zstd', ['--version']).status === 0;
const base = fs.mkdtempSync(join(tmpdir(), 'berth-archive-'));
after(() => fs.rmSync(base, { recursive: true, force: true }));
let seq = 0;
const newRoot = () => fs.mkdtempSync(join(base, `root${seq++}-`));
const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

// --- tar builder (independent of the code under test) ------------------------------------
const oct = (n, len) => n.toString(8).padStart(len - 1, '0') + '\0';
function header({ name, type = '0', mode = 0o644, size = 0, linkname = '', devmajor = 0, devminor = 0 }) {
  const h = Buffer.alloc(512);
  const put = (off, len, v) => { const b = Buffer.from(v); assert.ok(b.length <= len); b.copy(h, off); };
  put(0, 100, name); put(100, 8, oct(mode, 8)); put(108, 8, oct(0, 8)); put(116, 8, oct(0, 8));
  put(124, 12, oct(size, 12)); put(136, 12, oct(0, 12)); put(148, 8, '        '); put(156, 1, type);
  put(157, 100, linkname); put(257, 6, 'ustar\0'); put(263, 2, '00');
  put(329, 8, oct(devmajor, 8)); put(337, 8, oct(devminor, 8));
  let sum = 0;
  for (const b of h) sum += b;
  put(148, 8, oct(sum, 7) + ' ');
  return h;
}
const pad = (b) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
/** members: {name, data?, type?, linkname?, ...}; data may be a string or Buffer. */
function tar(members) {
  const out = [];
  for (const m of members) {
    const data = m.data === undefined ? Buffer.alloc(0) : Buffer.from(m.data);
    out.push(header({ ...m, size: m.type && m.type !== '0' ? 0 : data.length }));
    if (!m.type || m.type === '0') out.push(pad(data));
  }
  out.push(Buffer.alloc(1024));
  return Buffer.concat(out);
}

// --- a small valid image ------------------------------------------------------------------
const layerTar = tar([{ name: 'etc/', type: '5', mode: 0o755 }, { name: 'etc/hello', data: 'hello\n' }]);
const layer = gzipSync(layerTar);
const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(layerTar)] } }));
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
function manifestOf(layers = [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(layer), size: layer.length }], cfg = config) {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(cfg), size: cfg.length },
    layers,
  }));
}
const manifest = manifestOf();
const blob = (b) => ({ name: `blobs/sha256/${sha(b).slice(7)}`, data: b });
const indexJson = (m = manifest, ref = 'v1') => ({ name: 'index.json', data: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: OCI_MANIFEST, digest: sha(m), size: m.length, annotations: { 'org.opencontainers.image.ref.name': ref } }] }) });
const ociMembers = () => [
  { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' },
  { name: 'blobs/', type: '5', mode: 0o755 }, { name: 'blobs/sha256/', type: '5', mode: 0o755 },
  blob(layer), blob(config), blob(manifest), indexJson(),
];

async function run(root, archive, extra = {}) {
  const file = join(base, `a${seq++}.tar`);
  fs.writeFileSync(file, archive);
  return importImages({ root, namespace: 'default', input: file, unpack: false, platform: 'linux/amd64', ...extra });
}

function storeState(root) {
  const store = new ContentStore(root);
  const meta = openMetadata(root);
  try {
    return { blobs: store.list().map((b) => b.digest), ingests: store.activeIngests().map((i) => i.ref), images: meta.images.list('default').map((i) => i.name) };
  } finally {
    meta.close();
  }
}

test('an OCI layout archive records its image and blobs, with no ingest left', async () => {
  const root = newRoot();
  const res = await run(root, tar(ociMembers()), { baseName: 'example.com/app', digests: true });
  assert.deepEqual(res.map((r) => r.name), ['example.com/app:v1', `example.com/app@${sha(manifest)}`]);
  const st = storeState(root);
  assert.deepEqual(st.blobs, [sha(layer), sha(config), sha(manifest)].sort());
  assert.deepEqual(st.ingests, []);
  assert.deepEqual(st.images, ['example.com/app:v1', `example.com/app@${sha(manifest)}`]);
  const meta = openMetadata(root);
  try {
    const m = meta.content.get('default', sha(manifest));
    assert.equal(m.labels['containerd.io/gc.ref.content.config'], sha(config));
    assert.equal(m.labels['containerd.io/gc.ref.content.l.0'], sha(layer));
  } finally { meta.close(); }
});

test('gzip and zstd compressed archives, and stdin', async () => {
  const plain = tar(ociMembers());
  const r1 = newRoot();
  assert.equal((await run(r1, gzipSync(plain), { baseName: 'x/y' }))[0].name, 'x/y:v1');
  if (hasZstd) {
    const z = spawnSync('zstd', ['-q', '-c'], { input: plain });
    assert.equal(z.status, 0);
    const r2 = newRoot();
    assert.equal((await run(r2, z.stdout, { baseName: 'x/y' }))[0].name, 'x/y:v1');
  }
  const r3 = newRoot();
  const res = await importImages({ root: r3, namespace: 'default', input: '-', stdin: Readable.from([plain]), unpack: false, platform: 'linux/amd64' });
  assert.match(res[0].name, /^import-\d{4}-\d\d-\d\d:v1$/);
});

test('name translation follows containerd: tags join the prefix, full names must lie under --base-name', () => {
  const t = importNames({ baseName: 'foo/bar' });
  assert.equal(t.refName('latest'), 'foo/bar:latest');
  assert.equal(t.refName('foo/bar:1'), 'foo/bar:1');
  assert.equal(t.refName('foo/barx:1'), '');
  assert.equal(t.refName('other/x:1'), '');
  const u = importNames({ now: new Date(2024, 0, 2) });
  assert.equal(u.refName('1'), 'import-2024-01-02:1');
  assert.equal(u.refName('a/b:1'), 'a/b:1');
  assert.equal(cleanEntryName('./blobs//sha256/x'), 'blobs/sha256/x');
  assert.equal(symlinkTarget('abc/layer.tar', '../x.tar'), 'x.tar');
  assert.throws(() => symlinkTarget('layer.tar', '../../etc/passwd'), /outside the archive/);
});

test('a docker save archive: manifest, index and names as containerd builds them', async () => {
  const root = newRoot();
  const members = [
    { name: `${sha(layerTar).slice(7)}.tar`, data: layerTar },
    { name: 'abc/', type: '5' },
    { name: 'abc/layer.tar', type: '2', linkname: `../${sha(layerTar).slice(7)}.tar` },
    { name: 'abc/VERSION', data: '1.0' },
    { name: 'cfg.json', data: config },
    { name: 'manifest.json', data: JSON.stringify([{ Config: 'cfg.json', RepoTags: ['busybox:latest', 'example.com/a/b:2'], Layers: ['abc/layer.tar'] }]) },
    { name: 'repositories', data: '{}' },
  ];
  const res = await run(root, tar(members), { indexName: 'whole' });
  assert.deepEqual(res.map((r) => r.name), ['whole', 'docker.io/library/busybox:latest', 'example.com/a/b:2']);
  const dm = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar', digest: sha(layerTar), size: layerTar.length }] });
  assert.equal(res[1].target.digest, sha(dm));
  assert.equal(res[0].target.mediaType, 'application/vnd.oci.image.index.v1+json');
  const st = storeState(root);
  // The VERSION file and repositories are not content: only the image's blobs are kept.
  assert.equal(st.blobs.length, 4);
  assert.deepEqual(st.ingests, []);
});

const hostile = [
  ['absolute member name', () => [...ociMembers(), { name: `${base}/evil-abs`, data: 'x' }], /entry ".*evil-abs": absolute name/, `${base}/evil-abs`],
  ['".." in a member name', () => [...ociMembers(), { name: '../evil-dots', data: 'x' }], /entry "\.\.\/evil-dots": name "\.\.\/evil-dots" contains "\.\."/, join(base, '..', 'evil-dots')],
  ['symlink out of the archive', () => [{ name: 'l', type: '2', linkname: '../../etc/passwd' }, ...ociMembers()], /entry "l": symlink to "\.\.\/\.\.\/etc\/passwd" points outside the archive/],
  ['absolute symlink', () => [{ name: 'l', type: '2', linkname: '/etc/passwd' }, ...ociMembers()], /entry "l": symlink to absolute path/],
  ['hard link', () => [...ociMembers(), { name: 'h', type: '1', linkname: 'index.json' }], /entry "h": hard link to "index.json" refused/],
  ['device node', () => [...ociMembers(), { name: 'dev', type: '3', devmajor: 1, devminor: 3 }], /entry "dev": unsupported member type char/],
  ['duplicate names', () => [...ociMembers(), indexJson(manifest, 'other')], /entry "index.json": duplicate member name/],
  ['a blob whose bytes do not match its name', () => [...ociMembers().filter((m) => m.name !== blob(layer).name), { name: blob(layer).name, data: Buffer.concat([layer, Buffer.from('x')]) }], /entry "blobs\/sha256\/[0-9a-f]{64}": content has digest sha256:[0-9a-f]{64}, not the sha256:[0-9a-f]{64} its name says/],
  ['a manifest naming a missing blob', () => ociMembers().filter((m) => m.name !== blob(layer).name), /manifest sha256:[0-9a-f]{64}: application\/vnd\.oci\.image\.layer\.v1\.tar\+gzip sha256:[0-9a-f]{64} is not in the archive/],
  ['an unknown layer media type', () => {
    const m = manifestOf([{ mediaType: 'application/x-evil', digest: sha(layer), size: layer.length }]);
    return [...ociMembers().filter((x) => x.name !== 'index.json' && x.name !== blob(manifest).name), blob(m), indexJson(m)];
  }, /application\/x-evil sha256:[0-9a-f]{64}: unknown layer media type/],
  ['a wrong size in a descriptor', () => {
    const m = manifestOf([{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(layer), size: layer.length + 1 }]);
    return [...ociMembers().filter((x) => x.name !== 'index.json' && x.name !== blob(manifest).name), blob(m), indexJson(m)];
  }, /entry "blobs\/sha256\/[0-9a-f]{64}": \d+ bytes, but manifest sha256:[0-9a-f]{64} says \d+/],
  ['not an image archive', () => [{ name: 'hello.txt', data: 'hi' }], /neither index\.json nor manifest\.json/],
];

for (const [what, members, message, outside] of hostile) {
  test(`refused: ${what}`, async () => {
    const root = newRoot();
    await assert.rejects(run(root, tar(members())), (err) => {
      assert.ok(err instanceof InvalidArgumentError, `${err.constructor.name}: ${err.message}`);
      assert.match(err.message, message);
      assert.match(err.message, /^archive \S+: /);
      assert.ok(!err.message.includes('\n'));
      return true;
    });
    assert.deepEqual(storeState(root), { blobs: [], ingests: [], images: [] });
    if (outside) assert.equal(fs.existsSync(outside), false);
  });
}

test('refused: a truncated tar and a corrupt gzip stream', async () => {
  const whole = tar(ociMembers());
  const cut = whole.indexOf(Buffer.from('{"schemaVersion":2,"manifests"'));
  const root = newRoot();
  await assert.rejects(run(root, whole.subarray(0, cut + 10)), /^InvalidArgumentError: archive \S+: entry "index\.json": tar stream truncated/);
  assert.deepEqual(storeState(root), { blobs: [], ingests: [], images: [] });
  const gz = gzipSync(whole);
  gz[Math.floor(gz.length / 2)] ^= 0xff;
  await assert.rejects(run(root, gz), (err) => {
    assert.match(err.message, /^archive \S+: (entry "[^"]+": )?(gzip stream|tar header|.*digest)/);
    return true;
  });
  assert.deepEqual(storeState(root), { blobs: [], ingests: [], images: [] });
});

test('a large layer goes through an ingest and is committed only at the end', async () => {
  const big = Buffer.alloc(3 << 20, 7);
  const bigTar = tar([{ name: 'big', data: big }]);
  const cfg = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(bigTar)] } }));
  const m = manifestOf([{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(bigTar), size: bigTar.length }], cfg);
  const members = [blob(bigTar), blob(cfg), blob(m), indexJson(m)];
  // The same archive with a bad member at the end: the big blob must not stay behind.
  const root = newRoot();
  await assert.rejects(run(root, tar([...members, { name: '/abs', data: 'x' }])), /entry "\/abs": absolute name/);
  assert.deepEqual(storeState(root), { blobs: [], ingests: [], images: [] });
  await run(root, tar(members), { baseName: 'big/one' });
  const st = storeState(root);
  assert.ok(st.blobs.includes(sha(bigTar)));
  assert.deepEqual(st.ingests, []);
});

test('export writes an OCI layout with manifest.json that imports again to the same image', async () => {
  const root = newRoot();
  await run(root, tar(ociMembers()), { baseName: 'example.com/app' });
  const out = new PassThrough();
  const chunks = [];
  out.on('data', (c) => chunks.push(c));
  const res = await exportImages({ root, namespace: 'default', refs: ['example.com/app:v1'], platforms: ['linux/amd64'] }, out);
  assert.deepEqual(res.images, ['example.com/app:v1']);
  const archive = Buffer.concat(chunks);
  const file = join(base, 'export.tar');
  fs.writeFileSync(file, archive);
  const list = spawnSync('tar', ['tf', file], { encoding: 'utf8' });
  assert.equal(list.status, 0, list.stderr);
  assert.deepEqual(list.stdout.trim().split('\n'), ['blobs/', 'blobs/sha256/', ...[layer, config, manifest].map((b) => `blobs/sha256/${sha(b).slice(7)}`).sort(), 'index.json', 'manifest.json', 'oci-layout']);
  const mj = JSON.parse(spawnSync('tar', ['xOf', file, 'manifest.json']).stdout);
  assert.deepEqual(mj, [{ Config: `blobs/sha256/${sha(config).slice(7)}`, RepoTags: ['example.com/app:v1'], Layers: [`blobs/sha256/${sha(layer).slice(7)}`] }]);
  const again = newRoot();
  const r = await run(again, archive);
  assert.deepEqual(r.map((i) => [i.name, i.target.digest]), [['example.com/app:v1', sha(manifest)]]);
  await assert.rejects(exportImages({ root, namespace: 'default', refs: ['nope:1'] }, new PassThrough()), NotFoundError);
});

test('a multi-platform index: only the chosen platform\'s blobs are kept, all with --all-platforms', async () => {
  const otherConfig = Buffer.from(JSON.stringify({ architecture: 's390x', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(layerTar)] } }));
  const other = manifestOf(undefined, otherConfig);
  const idx = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [
    { mediaType: OCI_MANIFEST, digest: sha(manifest), size: manifest.length, platform: { architecture: 'amd64', os: 'linux' } },
    { mediaType: OCI_MANIFEST, digest: sha(other), size: other.length, platform: { architecture: 's390x', os: 'linux' } },
  ] }));
  const members = [blob(layer), blob(config), blob(manifest), blob(otherConfig), blob(other), blob(idx),
    { name: 'index.json', data: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha(idx), size: idx.length, annotations: { 'org.opencontainers.image.ref.name': 'multi' } }] }) }];
  const one = newRoot();
  const r1 = await run(one, tar(members), { baseName: 'm/x' });
  assert.deepEqual(r1.map((i) => [i.name, i.target.digest]), [['m/x:multi', sha(idx)]]);
  assert.deepEqual(storeState(one).blobs, [sha(layer), sha(config), sha(manifest), sha(idx)].sort());
  const meta = openMetadata(one);
  try {
    assert.deepEqual(meta.content.get('default', sha(idx)).labels, { 'containerd.io/gc.ref.content.m.0': sha(manifest) });
  } finally { meta.close(); }
  const all = newRoot();
  await run(all, tar(members), { baseName: 'm/x', allPlatforms: true });
  assert.deepEqual(storeState(all).blobs, [sha(layer), sha(config), sha(manifest), sha(otherConfig), sha(other), sha(idx)].sort());
  const s390 = newRoot();
  await run(s390, tar(members), { baseName: 'm/x', platform: 'linux/s390x' });
  assert.ok(!storeState(s390).blobs.includes(sha(manifest)));
  assert.ok(storeState(s390).blobs.includes(sha(other)));
});
