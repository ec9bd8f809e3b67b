// ctr images pull / images ls / content ls end to end, against a real registry (Debian's
// docker-registry on 127.0.0.1) holding a two-layer busybox image built here and pushed by skopeo.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { REPO_ROOT, registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { GOARCH, addMultiIndex, makeLayout, sha256, skipWithoutRegistry as skip, skopeoPush, startRegistry } from './registry-lib.mjs';

const { ContentStore } = createRequire(import.meta.url)(join(REPO_ROOT, 'packages/core/dist/content/index.js'));

describe('ctr images pull', { skip }, () => {
  registerCleanup();
  const work = tempDir('pull-work');
  const root = tempDir('ctr-root');
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000 });
  let registry;
  let host;
  let image;
  let multi;

  before(async () => {
    registry = await startRegistry(work);
    host = registry.host;
    image = makeLayout(work, join(work, 'oci'), [{ 'bin/busybox': '/bin/busybox' }, { 'etc/hello.txt': Buffer.from('hello from layer 2\n') }],
      { config: { Cmd: ['/bin/busybox', 'sh'] } });
    skopeoPush(join(work, 'oci'), '1', `${host}/test/busybox:1`);
    multi = addMultiIndex(join(work, 'oci'), image);
    skopeoPush(join(work, 'oci'), 'multi', `${host}/test/busybox:multi`, true);
  });

  after(async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  const blobGets = () => registry.log().split('\n').filter((l) => /"GET \/v2\/test\/busybox\/blobs\/sha256:/.test(l)).length;
  const ref = () => `${host}/test/busybox:1`;

  it('pulls, records and unpacks the image', async () => {
    const r = await ctr('-n', 'ns1', 'images', 'pull', '--plain-http', ref());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${ref().replace(/[.]/g, '\\.')}: resolved$`, 'm'));
    for (const l of image.layers) assert.match(r.stdout, new RegExp(`^layer-${sha256(l)}: done$`, 'm'));
    assert.match(r.stdout, new RegExp(`^unpacking linux/${GOARCH}\\S* ${sha256(image.manifest)}\\.\\.\\.$`, 'm'));
    assert.match(r.stdout, /^done: [0-9.]+(ms|s)$/m);
    assert.ok(blobGets() >= 3, `blob GETs in the registry's log: ${blobGets()}`);

    const ls = await ctr('-n', 'ns1', 'images', 'ls');
    assert.equal(ls.code, 0, ls.stderr);
    const [head, row, ...rest] = ls.stdout.split('\n');
    assert.match(head, /^REF +TYPE +DIGEST +SIZE +PLATFORMS +LABELS +$/);
    assert.deepEqual(rest, ['']);
    const cells = row.split(/ +/);
    assert.equal(cells[0], ref());
    assert.equal(cells[1], 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(cells[2], sha256(image.manifest));
    assert.equal(`${cells[3]} ${cells[4]}`, `${(image.size / 1024 / 1024).toFixed(1)} MiB`);
    assert.equal(cells[5], `linux/${GOARCH}`);
    assert.equal(cells[6], '-');
    assert.equal((await ctr('-n', 'ns1', 'i', 'ls', '-q')).stdout, `${ref()}\n`);

    const cq = await ctr('-n', 'ns1', 'content', 'ls', '-q');
    assert.equal(cq.code, 0, cq.stderr);
    assert.deepEqual(cq.stdout.trim().split('\n').sort(), [image.manifest, image.config, ...image.layers].map(sha256).sort());
    const cl = await ctr('-n', 'ns1', 'content', 'ls');
    assert.match(cl.stdout, /^DIGEST +SIZE +AGE +LABELS\n/);
    const mrow = cl.stdout.split('\n').find((l) => l.startsWith(sha256(image.manifest)));
    assert.match(mrow, new RegExp(`containerd\\.io/gc\\.ref\\.content\\.config=${sha256(image.config)}`));
    assert.match(mrow, new RegExp(`containerd\\.io/gc\\.ref\\.content\\.l\\.1=${sha256(image.layers[1])}`));

    const snaps = join(root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots');
    const dirs = readdirSync(snaps).map((d) => join(snaps, d, 'fs'));
    assert.ok(dirs.some((d) => existsSync(join(d, 'bin', 'busybox'))), 'a snapshot holds /bin/busybox');
    const hello = dirs.find((d) => existsSync(join(d, 'etc', 'hello.txt')));
    assert.ok(hello, 'a snapshot holds /etc/hello.txt');
    assert.equal(readFileSync(join(hello, 'etc', 'hello.txt'), 'utf8'), 'hello from layer 2\n');
  });

  it('a second pull into another namespace downloads no blob', async () => {
    const before = blobGets();
    const r = await ctr('-n', 'ns2', 'i', 'pull', '--plain-http', ref());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(blobGets(), before);
    assert.equal((await ctr('-n', 'ns2', 'images', 'ls', '-q')).stdout, `${ref()}\n`);
    assert.equal((await ctr('-n', 'ns2', 'content', 'ls', '-q')).stdout.trim().split('\n').length, 4);
  });

  it('an index: the host platform is selected, the index labels every manifest', async () => {
    const multiRef = `${host}/test/busybox:multi`;
    const r = await ctr('-n', 'ns4', 'images', 'pull', '--plain-http', multiRef);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^index-${sha256(multi.index)}: done$`, 'm'));
    const row = (await ctr('-n', 'ns4', 'images', 'ls')).stdout.split('\n')[1].split(/ +/);
    assert.deepEqual([row[0], row[1], row[2], row[5]], [multiRef, 'application/vnd.oci.image.index.v1+json', sha256(multi.index), `linux/${GOARCH},linux/s390x`]);
    const digests = (await ctr('-n', 'ns4', 'content', 'ls', '-q')).stdout.trim().split('\n').sort();
    assert.deepEqual(digests, [multi.index, image.manifest, image.config, ...image.layers].map(sha256).sort());
    const irow = (await ctr('-n', 'ns4', 'content', 'ls')).stdout.split('\n').find((l) => l.startsWith(sha256(multi.index)));
    assert.match(irow, new RegExp(`containerd\\.io/gc\\.ref\\.content\\.m\\.0=${sha256(image.manifest)},containerd\\.io/gc\\.ref\\.content\\.m\\.1=${sha256(multi.other)}`));
    const other = await ctr('-n', 'ns5', 'images', 'pull', '--plain-http', '--platform', 'linux/s390x', multiRef);
    assert.equal(other.code, 0, other.stderr);
    assert.ok((await ctr('-n', 'ns5', 'content', 'ls', '-q')).stdout.includes(sha256(multi.otherConfig)));
  });

  it('resumes a partial layer download left by a killed pull', async () => {
    const root2 = tempDir('ctr-root2');
    const big = image.layers[0];
    const w = new ContentStore(root2).writer(`layer-${sha256(big)}`, { expectedDigest: sha256(big), expectedSize: big.length });
    w.write(big.subarray(0, 4096));
    w.close();
    const partials = () => registry.log().split('\n').filter((l) => l.includes(`GET /v2/test/busybox/blobs/${sha256(big)} `) && / 206 /.test(l)).length;
    const before = partials();
    const r = await runBin('ctr', ['--root', root2, 'images', 'pull', '--plain-http', ref()], { timeout: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(partials(), before + 1, 'the layer was fetched from byte 4096 (206)');
    assert.equal((await runBin('ctr', ['--root', root2, 'images', 'ls', '-q'])).stdout, `${ref()}\n`);
    assert.deepEqual(readdirSync(join(root2, 'io.containerd.content.v1.content', 'ingest')), []);
    rmSync(root2, { recursive: true, force: true });
  });

  it('a missing tag fails with one line naming the image, recording nothing', async () => {
    const missing = `${host}/test/busybox:nope`;
    const r = await ctr('-n', 'ns3', 'images', 'pull', '--plain-http', missing);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^ctr: .*${missing.replace(/[.]/g, '\\.')}.*not found`));
    assert.equal((await ctr('-n', 'ns3', 'images', 'ls', '-q')).stdout, '');
    assert.equal((await ctr('-n', 'ns3', 'content', 'ls', '-q')).stdout, '');
    assert.equal((await ctr('-n', 'ns1', 'images', 'ls', '-q')).stdout, `${ref()}\n`);
  });
});
