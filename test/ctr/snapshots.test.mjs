// ctr snapshots prepare/commit/view/mounts/tree/info/label/rm on the real overlayfs snapshotter,
// per namespace; the printed mount commands are run for real and the files are looked at. Then
// an image pulled from a local registry into two namespaces: its layers stored once, and
// `images mount`/`unmount --rm` of its top layer.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registerCleanup, runBin, tempDir, trackMount } from '../lib/index.mjs';
import { makeLayout, skipWithoutRegistry, skopeoPush, startRegistry } from './registry-lib.mjs';

const isMounted = (p) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === p);
const snapshotDirs = (root) => readdirSync(join(root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots')).filter((d) => /^\d+$/.test(d));

describe('ctr snapshots', () => {
  registerCleanup();
  const root = tempDir('ctr-snap-root');
  const mnt = tempDir('ctr-snap-mnt');
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args], { timeout: 60_000 });
  const ok = async (...args) => {
    const r = await ctr(...args);
    assert.equal(r.code, 0, `ctr ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  /** Runs ctr's printed `mount -t ...` lines, tracking the targets for cleanup. */
  const runMounts = (text, target) => {
    const lines = text.trim().split('\n').filter((l) => l.startsWith('mount '));
    assert.ok(lines.length > 0, `no mount command in ${JSON.stringify(text)}`);
    mkdirSync(target, { recursive: true });
    trackMount(target);
    for (const l of lines) execFileSync('sh', ['-c', l]);
  };
  const umount = (target) => execFileSync('umount', [target]);

  after(() => rmSync(root, { recursive: true, force: true }));

  it('prepares, fills, commits and mounts a chain; views are read-only', async () => {
    // A first snapshot has no parent: a bind mount of its own directory.
    const mounts = JSON.parse(await ok('snapshots', 'prepare', '--mounts', 'base'));
    assert.equal(mounts.length, 1);
    assert.deepEqual(Object.keys(mounts[0]), ['Type', 'Source', 'Target', 'Options']);
    assert.equal(mounts[0].Type, 'bind');
    assert.deepEqual(mounts[0].Options, ['rw', 'rbind']);
    const t1 = join(mnt, 'base');
    runMounts(await ok('snapshots', 'mounts', t1, 'base'), t1);
    writeFileSync(join(t1, 'hello'), 'from base\n');
    umount(t1);
    assert.equal(await ok('snapshots', 'commit', 'layer1', 'base'), '');

    // An active child: an overlay whose lower is layer1; written files land in its upper only.
    const t2 = join(mnt, 'act');
    const prepared = await ok('snapshots', 'prepare', '--target', t2, 'act', 'layer1');
    assert.match(prepared, new RegExp(`^mount -t overlay overlay ${t2} -o .*upperdir=.*lowerdir=`));
    runMounts(prepared, t2);
    assert.equal(readFileSync(join(t2, 'hello'), 'utf8'), 'from base\n');
    writeFileSync(join(t2, 'second'), '2\n');
    umount(t2);
    await ok('snapshots', 'commit', 'layer2', 'act');

    // A view of layer2 sees both layers and cannot be written.
    const t3 = join(mnt, 'view');
    await ok('snapshots', 'view', 'v', 'layer2');
    runMounts(await ok('snapshots', 'mounts', t3, 'v'), t3);
    assert.equal(readFileSync(join(t3, 'hello'), 'utf8'), 'from base\n');
    assert.equal(readFileSync(join(t3, 'second'), 'utf8'), '2\n');
    assert.throws(() => writeFileSync(join(t3, 'x'), 'no'), /EROFS/);
    umount(t3);

    const ls = (await ok('snapshots', 'ls')).split('\n');
    assert.match(ls[0], /^KEY +PARENT +KIND +$/);
    assert.deepEqual(ls.slice(1, -1).map((l) => l.trim().split(/ +/)), [['layer1', 'Committed'], ['layer2', 'layer1', 'Committed'], ['v', 'layer2', 'View']]);
    assert.equal(await ok('snapshot', 'tree'), ' layer1\n  \\_ layer2\n    \\_ v\n');
    // ctr's own place for --snapshotter: on `snapshots`, before the subcommand (globals mixed in).
    const native = await ok('snapshots', '--snapshotter', 'native', 'ls');
    assert.equal(native, await ok('snapshots', 'ls', '--snapshotter', 'native'));
    assert.match(native, /^KEY +PARENT +KIND +\n$/);
    assert.equal(await ok('snapshots', '--snapshotter=overlayfs', '-n', 'default', 'ls'), (await ok('snapshots', 'ls')));
  });

  it('info prints the snapshot as JSON and label sets and clears labels', async () => {
    const info = JSON.parse(await ok('snapshots', 'info', 'layer2'));
    assert.deepEqual(Object.keys(info), ['Kind', 'Name', 'Parent', 'Labels', 'Created', 'Updated']);
    assert.equal(info.Kind, 'Committed');
    assert.equal(info.Name, 'layer2');
    assert.equal(info.Parent, 'layer1');
    assert.match(info.Labels['containerd.io/gc.root'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(!Number.isNaN(Date.parse(info.Created)));
    assert.equal(await ok('snapshots', 'label', 'layer2', 'a=1', 'b=2'), `a=1,b=2,containerd.io/gc.root=${info.Labels['containerd.io/gc.root']}\n`);
    assert.equal(await ok('snapshots', 'label', 'layer2', 'a=', 'containerd.io/gc.root='), 'b=2\n');
    assert.deepEqual(JSON.parse(await ok('snapshots', 'info', 'layer2')).Labels, { b: '2' });
    // ctr omits empty Parent and Labels.
    await ok('snapshots', 'label', 'layer1', 'containerd.io/gc.root=');
    assert.deepEqual(Object.keys(JSON.parse(await ok('snapshots', 'info', 'layer1'))), ['Kind', 'Name', 'Created', 'Updated']);
  });

  it('keeps namespaces apart', async () => {
    assert.equal(await ok('-n', 'other', 'snapshots', 'ls'), 'KEY PARENT KIND \n');
    const r = await ctr('-n', 'other', 'snapshots', 'info', 'layer1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ctr: snapshot layer1: not found in namespace other/);
    const p = await ctr('-n', 'other', 'snapshots', 'prepare', 'x', 'layer1');
    assert.equal(p.code, 1);
    assert.match(p.stderr, /parent layer1 not found in namespace other/);
    // The same key in two namespaces: two snapshots.
    await ok('-n', 'other', 'snapshots', 'prepare', 'v');
    assert.match(await ok('-n', 'other', 'snapshots', 'ls'), /^v +Active +$/m);
    assert.match(await ok('snapshots', 'ls'), /^v +layer2 +View +$/m);
    await ok('-n', 'other', 'snapshots', 'rm', 'v');
    assert.match(await ok('snapshots', 'ls'), /^v +layer2 +View +$/m);
  });

  it('refuses what containerd refuses, with the object and the cause', async () => {
    const cases = [
      [['snapshots', 'rm', 'layer1'], /^ctr: failed to remove "layer1": snapshot layer1: cannot remove, it is the parent of layer2 \(remove those first\)$/],
      [['snapshots', 'prepare', 'v', 'layer2'], /snapshot "v" \(overlayfs\) in namespace "default": already exists/],
      [['snapshots', 'prepare', 'y', 'nope'], /snapshot y: parent nope not found/],
      [['snapshots', 'commit', 'z', 'nope'], /snapshot nope: not found/],
      [['snapshots', 'commit', 'z', 'layer2'], /snapshot layer2: only an active snapshot can be committed \(it is committed\)/],
      [['snapshots', 'prepare', 'w', 'v'], /parent "v" is view, not committed/],
      [['snapshots', 'mounts', '/x', 'layer2'], /committed snapshots have no mounts/],
      [['snapshots', 'ls', '--snapshotter', 'zfs'], /snapshotter zfs: unknown/],
    ];
    for (const [args, re] of cases) {
      const r = await ctr(...args);
      assert.equal(r.code, 1, `ctr ${args.join(' ')} should fail`);
      assert.match(r.stderr.trim(), re);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  it('removes snapshots children first and frees their directories', async () => {
    const before = snapshotDirs(root).length;
    await ok('snapshots', 'rm', 'v', 'layer2');
    await ok('snapshot', 'delete', 'layer1');
    assert.equal(await ok('snapshots', 'ls'), 'KEY PARENT KIND \n');
    assert.equal(snapshotDirs(root).length, before - 3);
    const r = await ctr('snapshots', 'rm', 'layer1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /failed to remove "layer1": snapshot layer1: not found/);
  });
});

describe('ctr snapshots with an image: layers shared across namespaces, images mount', { skip: skipWithoutRegistry }, () => {
  registerCleanup();
  const work = tempDir('snap-img-work');
  const root = tempDir('snap-img-root');
  const mnt = tempDir('snap-img-mnt');
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000 });
  const ok = async (...args) => {
    const r = await ctr(...args);
    assert.equal(r.code, 0, `ctr ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  let registry;
  let ref;

  before(async () => {
    registry = await startRegistry(work);
    makeLayout(work, join(work, 'oci'), [{ 'bin/busybox': '/bin/busybox' }, { 'etc/hello.txt': Buffer.from('hello from layer 2\n') }]);
    skopeoPush(join(work, 'oci'), '1', `${registry.host}/test/snap:1`);
    ref = `${registry.host}/test/snap:1`;
  });

  after(async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('stores an image unpacked in two namespaces once', async () => {
    await ok('-n', 'a', 'images', 'pull', '--plain-http', ref);
    await ok('-n', 'b', 'images', 'pull', '--plain-http', ref);
    for (const ns of ['a', 'b']) {
      const rows = (await ok('-n', ns, 'snapshots', 'ls')).split('\n').filter(Boolean).slice(1);
      assert.equal(rows.length, 2, `namespace ${ns}: ${rows}`);
      assert.ok(rows.every((r) => /^sha256:[0-9a-f]{64} .*Committed +$/.test(r)), rows.join('\n'));
    }
    assert.equal(snapshotDirs(root).length, 2);
    // images rm collects namespace a's snapshot records; the storage stays for b.
    await ok('-n', 'a', 'images', 'rm', ref);
    assert.equal(await ok('-n', 'a', 'snapshots', 'ls'), 'KEY PARENT KIND \n');
    assert.equal(snapshotDirs(root).length, 2);
    assert.equal((await ok('-n', 'b', 'snapshots', 'ls')).split('\n').filter(Boolean).length, 3);
  });

  it('images mount shows the image read-only; unmount --rm removes the view', async () => {
    const target = join(mnt, 'ro');
    mkdirSync(target);
    trackMount(target);
    const out = await ok('-n', 'b', 'images', 'mount', ref, target);
    const [chain, printed] = out.trim().split('\n');
    assert.match(chain, /^sha256:[0-9a-f]{64}$/);
    assert.equal(printed, target);
    assert.ok(isMounted(target));
    assert.equal(readFileSync(join(target, 'etc/hello.txt'), 'utf8'), 'hello from layer 2\n');
    assert.ok(existsSync(join(target, 'bin/busybox')));
    assert.throws(() => writeFileSync(join(target, 'x'), 'no'), /EROFS/);
    assert.match(await ok('-n', 'b', 'snapshots', 'ls'), new RegExp(`^${target} +${chain} +View +$`, 'm'));

    assert.equal(await ok('-n', 'b', 'i', 'unmount', '--rm', target), `${target}\n`);
    assert.ok(!isMounted(target));
    assert.doesNotMatch(await ok('-n', 'b', 'snapshots', 'ls'), new RegExp(target));
  });

  it('images mount --rw gives a writable snapshot kept after a plain unmount', async () => {
    const target = join(mnt, 'rw');
    mkdirSync(target);
    trackMount(target);
    await ok('-n', 'b', 'image', 'mount', '--rw', ref, target);
    writeFileSync(join(target, 'new.txt'), 'written\n');
    await ok('-n', 'b', 'images', 'unmount', target);
    assert.ok(!isMounted(target));
    assert.match(await ok('-n', 'b', 'snapshots', 'ls'), new RegExp(`^${target} +sha256:\\S+ +Active +$`, 'm'));
    // Mounting again reuses the snapshot: the written file is still there.
    await ok('-n', 'b', 'images', 'mount', '--rw', ref, target);
    assert.equal(readFileSync(join(target, 'new.txt'), 'utf8'), 'written\n');
    await ok('-n', 'b', 'images', 'unmount', '--rm', target);
    assert.ok(!isMounted(target));
    const r = await ctr('-n', 'b', 'images', 'mount', 'nope:1', target);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ctr: image "nope:1": not found in namespace b\n$/);
  });
});
