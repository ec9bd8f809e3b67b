// ctr leases create/ls/rm, and garbage collection honouring leases: an image pulled from a local
// registry, one layer blob and one snapshot attached to a lease (ctr has no command for that: the
// core's addLeaseResources, as containerd's client does with a lease in its context), then
// `images rm` collects everything else; after `leases rm` the rest goes too.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { makeLayout, sha256, skipWithoutRegistry, skopeoPush, startRegistry } from './registry-lib.mjs';

const { addLeaseResources } = createRequire(import.meta.url)(join(REPO_ROOT, 'packages/core/dist/services/leases.js'));

function makeCtr(root) {
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000 });
  const ok = async (...args) => {
    const r = await ctr(...args);
    assert.equal(r.code, 0, `ctr ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  return { ctr, ok };
}

describe('ctr leases', () => {
  registerCleanup();
  const root = tempDir('leases-root');
  const { ctr, ok } = makeCtr(root);
  after(() => rmSync(root, { recursive: true, force: true }));

  it('creates, lists and removes leases as ctr prints them', async () => {
    assert.equal(await ok('leases', 'create', '--id', 'l1', 'a=b'), 'l1\n');
    const gen = (await ok('leases', 'create', '-x', '0')).trim();
    // containerd's generated id: unix nanoseconds, a dash, 4 base64url characters.
    assert.match(gen, /^\d+-[A-Za-z0-9_-]{4}$/);
    const ls = (await ok('leases', 'ls')).split('\n');
    assert.match(ls[0], /^ID +CREATED AT +LABELS +$/);
    const row = ls.find((l) => l.startsWith('l1 '));
    assert.match(row, /^l1 +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d) +a=b,containerd\.io\/gc\.expire=\S+ +$/);
    const exp = Date.parse(row.match(/gc\.expire=(\S+)/)[1]);
    assert.ok(Math.abs(exp - (Date.now() + 24 * 3600_000)) < 120_000, `expiry ${new Date(exp).toISOString()} is not 24h ahead`);
    assert.match(ls.find((l) => l.startsWith(gen)), / -\s*$/);
    assert.deepEqual((await ok('leases', 'ls', '-q')).trim().split('\n').sort(), [gen, 'l1'].sort());
    assert.equal(await ok('-n', 'other', 'leases', 'ls', '-q'), '');

    const r = await ctr('leases', 'rm', 'l1', 'nope', gen);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'l1\n');
    assert.match(r.stderr, /^ctr: lease "nope" in namespace "default": not found\n$/);
    assert.equal(await ok('leases', 'delete', '--sync', gen), `${gen}\n`);
    assert.equal(await ok('leases', 'ls', '-q'), '');
    const bad = await ctr('leases', 'create', '-x', 'soon');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid value "soon" for flag -expires/);
  });
});

describe('garbage collection honours leases', { skip: skipWithoutRegistry }, () => {
  registerCleanup();
  const work = tempDir('leases-work');
  const root = tempDir('leases-gc-root');
  const { ok } = makeCtr(root);
  const blob = (d) => join(root, 'io.containerd.content.v1.content', 'blobs', 'sha256', d.slice(7));
  let registry;
  let image;
  let ref;

  before(async () => {
    registry = await startRegistry(work);
    image = makeLayout(work, join(work, 'oci'), [{ 'bin/busybox': '/bin/busybox' }, { 'etc/hello.txt': Buffer.from('hello\n') }]);
    skopeoPush(join(work, 'oci'), '1', `${registry.host}/test/lease:1`);
    ref = `${registry.host}/test/lease:1`;
  });

  after(async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('a leased blob and snapshot outlive images rm; leases rm lets GC take them', async () => {
    await ok('images', 'pull', '--plain-http', ref);
    const [l1, l2] = image.layers.map(sha256);
    const config = sha256(image.config);
    const bottom = (await ok('snapshots', 'tree')).split('\n')[0].trim();
    assert.match(bottom, /^sha256:/);
    await ok('leases', 'create', '--id', 'keep', '-x', '0');
    addLeaseResources(root, 'default', 'keep', [{ type: 'content', id: l1 }, { type: 'snapshot', snapshotter: 'overlayfs', id: bottom }]);

    await ok('images', 'rm', ref);
    assert.ok(existsSync(blob(l1)), 'the leased layer blob was deleted');
    assert.ok(!existsSync(blob(l2)), 'an unleased layer blob survived GC');
    assert.ok(!existsSync(blob(config)), 'the config blob survived GC');
    assert.match(await ok('content', 'ls', '-q'), new RegExp(`^${l1}$`, 'm'));
    const snaps = (await ok('snapshots', 'ls')).trim().split('\n').slice(1);
    assert.deepEqual(snaps.map((s) => s.split(/ +/)[0]), [bottom]);

    assert.equal(await ok('leases', 'rm', 'keep'), 'keep\n');
    assert.ok(!existsSync(blob(l1)), 'the blob outlived its lease');
    assert.equal(await ok('content', 'ls', '-q'), '');
    assert.equal(await ok('snapshots', 'ls'), 'KEY PARENT KIND \n');
  });

  it('an expired lease holds nothing', async () => {
    await ok('images', 'pull', '--plain-http', ref);
    const [l1] = image.layers.map(sha256);
    await ok('leases', 'create', '--id', 'brief', '--expires', '1s');
    addLeaseResources(root, 'default', 'brief', [{ type: 'content', id: l1 }]);
    await new Promise((r) => setTimeout(r, 1500));
    await ok('images', 'rm', ref);
    assert.ok(!existsSync(blob(l1)), 'an expired lease kept the blob');
    assert.equal(await ok('leases', 'ls', '-q'), '');
  });
});
