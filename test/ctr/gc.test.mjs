// Garbage collection of content AND snapshots: what `images rm`, `images prune --all` and
// `content prune references` leave on disk, with images in two namespaces, a container and a
// lease holding snapshots, and a blob a killed pull stored without recording it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { REPO_ROOT, registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { makeLayout, sha256, skipWithoutRegistry as skip, skopeoPush, startRegistry } from './registry-lib.mjs';

const require = createRequire(import.meta.url);
const { openMetadata } = require(join(REPO_ROOT, 'packages/core/dist/metadata/index.js'));
const { openSnapshotter } = require(join(REPO_ROOT, 'packages/core/dist/snapshots/index.js'));
const { ContentStore } = require(join(REPO_ROOT, 'packages/core/dist/content/index.js'));

describe('garbage collection of content and snapshots', { skip }, () => {
  registerCleanup();
  const work = tempDir('gc-work');
  let registry;
  let image;
  let ref;
  let root;
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000 });
  const pull = async (ns) => {
    const r = await ctr('-n', ns, 'images', 'pull', '--plain-http', ref);
    assert.equal(r.code, 0, r.stderr);
  };
  const blobs = () => [image.manifest, image.config, ...image.layers].map(sha256);
  const blobOnDisk = (d) => existsSync(join(root, 'io.containerd.content.v1.content', 'blobs', 'sha256', d.slice(7)));
  /** The overlayfs snapshotter's snapshot directories (shared by every namespace). */
  const snapshotDirs = () => {
    const d = join(root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots');
    return existsSync(d) ? readdirSync(d).filter((n) => /^[0-9]+$/.test(n)) : [];
  };
  const meta = (fn) => {
    const m = openMetadata(root);
    try { return fn(m); } finally { m.close(); }
  };
  const snapshotKeys = (ns) => meta((m) => m.snapshots.list('overlayfs', ns).map((s) => s.key)).sort();
  const top = () => sha256(`${image.diffIDs[0]} ${image.diffIDs[1]}`);

  before(async () => {
    registry = await startRegistry(work);
    image = makeLayout(work, join(work, 'oci'), [{ 'bin/busybox': '/bin/busybox' }, { 'etc/hello.txt': Buffer.from('hello\n') }]);
    ref = `${registry.host}/test/gc:1`;
    skopeoPush(join(work, 'oci'), '1', ref);
  });

  after(async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('images rm: shared layers stay while another namespace uses them; the last rm removes records, blobs and directories', async () => {
    root = tempDir('gc-root1');
    await pull('a');
    await pull('b');
    assert.equal(snapshotDirs().length, 2, 'two layers stored once for both namespaces');
    assert.deepEqual(snapshotKeys('a'), [image.diffIDs[0], top()].sort());

    const rmA = await ctr('-n', 'a', 'images', 'rm', ref);
    assert.equal(rmA.code, 0, rmA.stderr);
    assert.deepEqual(snapshotKeys('a'), [], 'namespace a has no snapshot left');
    assert.deepEqual(snapshotKeys('b'), [image.diffIDs[0], top()].sort());
    assert.equal(snapshotDirs().length, 2, 'b still uses the directories');
    for (const d of blobs()) assert.ok(blobOnDisk(d), `${d} kept for b`);

    const rmB = await ctr('-n', 'b', 'image', 'rm', ref);
    assert.equal(rmB.code, 0, rmB.stderr);
    assert.deepEqual(snapshotKeys('b'), []);
    assert.deepEqual(snapshotDirs(), [], 'snapshot directories deleted');
    for (const d of blobs()) assert.ok(!blobOnDisk(d), `${d} deleted`);
    assert.equal((await ctr('-n', 'b', 'content', 'ls', '-q')).stdout, '');
  });

  it('a container\'s snapshot and a lease hold their chains through images rm; collected once they go', async () => {
    root = tempDir('gc-root2');
    await pull('c');
    const sn = openSnapshotter(root, 'overlayfs', 'c');
    await sn.prepare('ctr-rootfs', top());
    meta((m) => m.containers.create('c', { id: 'ctr1', image: ref, runtime: { name: 'io.containerd.runc.v2' }, snapshotter: 'overlayfs', snapshotKey: 'ctr-rootfs' }));
    await pull('d');
    meta((m) => {
      m.leases.create('d', { id: 'hold' });
      m.leases.addResource('d', 'hold', { type: 'snapshot', snapshotter: 'overlayfs', id: image.diffIDs[0] });
    });

    const p = await ctr('-n', 'c', 'images', 'prune', '--all');
    assert.equal(p.code, 0, p.stderr);
    assert.equal((await ctr('-n', 'c', 'images', 'ls', '-q')).stdout, `${ref}\n`, 'the container\'s image is in use: not pruned');
    assert.equal((await ctr('-n', 'c', 'images', 'rm', ref)).code, 0);
    assert.equal((await ctr('-n', 'd', 'images', 'rm', ref)).code, 0);
    assert.deepEqual(snapshotKeys('c'), ['ctr-rootfs', image.diffIDs[0], top()].sort(), 'the container holds its snapshot and parents');
    assert.deepEqual(snapshotKeys('d'), [image.diffIDs[0]], 'the lease holds the bottom layer only');
    assert.equal(snapshotDirs().length, 3);
    for (const d of blobs()) assert.ok(!blobOnDisk(d), `${d}: no image references it any more`);

    meta((m) => m.containers.delete('c', 'ctr1'));
    meta((m) => m.leases.delete('d', 'hold'));
    // Any collection sweeps them: this one is prune's.
    const r = await ctr('-n', 'c', 'content', 'prune', 'references');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(snapshotKeys('c'), []);
    assert.deepEqual(snapshotKeys('d'), []);
    assert.deepEqual(snapshotDirs(), []);
  });

  it('a blob stored but never recorded (a pull killed before recording) is deleted by the next collection', async () => {
    root = tempDir('gc-root3');
    await pull('e');
    const stray = Buffer.from('stray blob\n');
    const w = new ContentStore(root).writer('stray', { expectedDigest: sha256(stray), expectedSize: stray.length });
    w.write(stray);
    await w.commit();
    assert.ok(blobOnDisk(sha256(stray)));
    assert.equal((await ctr('-n', 'e', 'images', 'prune', '--all')).code, 0);
    assert.ok(!blobOnDisk(sha256(stray)), 'the unrecorded blob is gone');
    assert.deepEqual(snapshotDirs(), []);
  });
});
