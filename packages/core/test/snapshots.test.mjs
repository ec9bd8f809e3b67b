// Snapshotters: overlayfs and native with containerd's semantics. A 3-layer chain is
// prepared, filled, committed and mounted for real; the merged view, views, removal, usage,
// errors and concurrent writers of the records are checked. Every mount is undone in `after`.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const require = createRequire(import.meta.url);
const snap = require(join(DIST, 'snapshots/index.js'));
const { mknod, makedev, S_IFCHR } = require(join(DIST, 'sys/file.js'));
const { lsetxattr } = require(join(DIST, 'sys/xattr.js'));

const isRoot = process.getuid?.() === 0;
const asRoot = { skip: isRoot ? false : 'needs root (mount, trusted xattrs)' };

const base = fs.mkdtempSync(join(tmpdir(), 'berth-snap-'));
const mounted = [];
after(() => {
  for (const m of mounted.reverse()) try { snap.unmount(m, { detach: true }); } catch { /* already unmounted */ }
  fs.rmSync(base, { recursive: true, force: true });
});

let n = 0;
function fresh() {
  const root = join(base, `root-${++n}`);
  const target = join(base, `mnt-${n}`);
  fs.mkdirSync(target, { recursive: true });
  return { root, target };
}
function mountAt(mounts, target) {
  snap.mountAll(mounts, target);
  mounted.push(target);
}
function unmountAt(target) {
  snap.unmount(target);
  mounted.splice(mounted.indexOf(target), 1);
}
const read = (p) => fs.readFileSync(p, 'utf8');

/** Three layers: l1 writes files, l2 overrides and adds, l3 deletes (overlay whiteout) and makes a dir opaque. */
async function chain(s, overlay) {
  const m1 = await s.prepare('l1-tx');
  assert.equal(m1[0].type, 'bind', 'a snapshot without parent is a bind mount');
  const d1 = s.applyDir('l1-tx');
  fs.mkdirSync(join(d1, 'etc'));
  fs.mkdirSync(join(d1, 'opt'));
  fs.writeFileSync(join(d1, 'etc/os-release'), 'one\n');
  fs.writeFileSync(join(d1, 'etc/gone'), 'bye\n');
  fs.writeFileSync(join(d1, 'opt/old'), 'old\n');
  fs.writeFileSync(join(d1, 'l1'), '1');
  await s.commit('l1', 'l1-tx');

  await s.prepare('l2-tx', 'l1');
  const d2 = s.applyDir('l2-tx');
  if (overlay) assert.deepEqual(fs.readdirSync(d2), [], 'an overlay upperdir starts empty');
  else assert.equal(read(join(d2, 'l1')), '1', 'a native snapshot starts as a copy of its parent');
  fs.mkdirSync(join(d2, 'etc'), { recursive: true });
  fs.writeFileSync(join(d2, 'etc/os-release'), 'two\n');
  fs.writeFileSync(join(d2, 'l2'), '2');
  await s.commit('l2', 'l2-tx');

  await s.prepare('l3-tx', 'l2');
  const d3 = s.applyDir('l3-tx');
  if (overlay) {
    fs.mkdirSync(join(d3, 'etc'));
    mknod(join(d3, 'etc/gone'), S_IFCHR, makedev(0, 0));
    fs.mkdirSync(join(d3, 'opt'));
    lsetxattr(join(d3, 'opt'), 'trusted.overlay.opaque', 'y');
  } else {
    fs.rmSync(join(d3, 'etc/gone'));
    fs.rmSync(join(d3, 'opt'), { recursive: true });
    fs.mkdirSync(join(d3, 'opt'));
  }
  fs.writeFileSync(join(d3, 'opt/new'), 'new\n');
  fs.writeFileSync(join(d3, 'l3'), '3');
  await s.commit('l3', 'l3-tx');
}

function assertMerged(dir) {
  assert.deepEqual(fs.readdirSync(dir).sort(), ['etc', 'l1', 'l2', 'l3', 'opt']);
  assert.equal(read(join(dir, 'etc/os-release')), 'two\n');
  assert.deepEqual(fs.readdirSync(join(dir, 'etc')), ['os-release']);
  assert.deepEqual(fs.readdirSync(join(dir, 'opt')), ['new']);
}

for (const name of ['overlayfs', 'native']) {
  const overlay = name === 'overlayfs';

  test(`${name}: a 3-layer chain, an active container snapshot and read-only views`, asRoot, async () => {
    const { root, target } = fresh();
    const s = snap.openSnapshotter(root, name);
    await chain(s, overlay);
    const mounts = await s.prepare('ctr', 'l3');
    const sroot = join(root, `io.containerd.snapshotter.v1.${name}`, 'snapshots');
    if (overlay) {
      assert.equal(mounts.length, 1);
      assert.equal(mounts[0].type, 'overlay');
      const opts = mounts[0].options;
      assert.ok(opts.includes(`upperdir=${join(sroot, '4', 'fs')}`), opts.join(','));
      assert.ok(opts.includes(`workdir=${join(sroot, '4', 'work')}`), opts.join(','));
      assert.ok(opts.includes(`lowerdir=${[3, 2, 1].map((i) => join(sroot, String(i), 'fs')).join(':')}`), 'nearest parent first');
      for (const i of [1, 2, 3, 4]) assert.ok(fs.statSync(join(sroot, String(i), 'fs')).isDirectory());
    } else {
      assert.deepEqual(mounts, [{ type: 'bind', source: join(sroot, '4'), options: ['rw', 'rbind'] }]);
    }
    assert.deepEqual(s.mounts('ctr'), mounts);
    mountAt(mounts, target);
    try {
      assertMerged(target);
      fs.writeFileSync(join(target, 'written'), 'by the container\n');
      fs.rmSync(join(target, 'l1'));
    } finally {
      unmountAt(target);
    }
    // The writes landed in the container's own snapshot only.
    assert.equal(read(join(s.applyDir('ctr'), 'written')), 'by the container\n');
    if (overlay) assert.equal(read(join(sroot, '1', 'fs', 'l1')), '1');

    // Views: read-only; over one layer a bind, over several an overlay without upperdir.
    const v3 = await s.view('v3', 'l3');
    if (overlay) assert.ok(v3[0].type === 'overlay' && !v3[0].options.some((o) => o.startsWith('upperdir=')));
    mountAt(v3, target);
    try {
      assertMerged(target);
      assert.throws(() => fs.writeFileSync(join(target, 'nope'), 'x'), { code: 'EROFS' });
    } finally {
      unmountAt(target);
    }
    const v1 = await s.view('v1', 'l1');
    assert.equal(v1[0].type, 'bind');
    assert.ok(v1[0].options.includes('ro'));
    mountAt(v1, target);
    try {
      assert.equal(read(join(target, 'etc/os-release')), 'one\n');
      assert.throws(() => fs.writeFileSync(join(target, 'nope'), 'x'), { code: 'EROFS' });
    } finally {
      unmountAt(target);
    }

    // stat / walk
    assert.deepEqual(s.walk().map((i) => [i.name, i.kind, i.parent]), [
      ['ctr', 'active', 'l3'], ['l1', 'committed', undefined], ['l2', 'committed', 'l1'],
      ['l3', 'committed', 'l2'], ['v1', 'view', 'l1'], ['v3', 'view', 'l3'],
    ]);
    assert.equal(s.stat('l2').parent, 'l1');
    assert.match(s.stat('l2').created, /^\d{4}-\d\d-\d\dT/);
  });

  test(`${name}: usage, remove, errors, cleanup`, asRoot, async () => {
    const { root } = fresh();
    const s = snap.openSnapshotter(root, name);
    await s.prepare('a-tx');
    const before = s.usage('a-tx');
    fs.writeFileSync(join(s.applyDir('a-tx'), 'blob'), Buffer.alloc(256 * 1024, 7));
    fs.writeFileSync(join(s.applyDir('a-tx'), 'small'), 'x');
    fs.linkSync(join(s.applyDir('a-tx'), 'blob'), join(s.applyDir('a-tx'), 'blob-link'));
    const during = s.usage('a-tx');
    assert.equal(during.inodes, before.inodes + 2, 'a hard link is one inode');
    assert.ok(during.size >= before.size + 256 * 1024, `${during.size}`);
    assert.ok(during.size < before.size + 2 * 256 * 1024 + 65536, 'a hard link is counted once');
    await s.commit('a', 'a-tx');
    assert.deepEqual(s.usage('a'), during, 'a committed snapshot keeps the usage measured at commit');

    await assert.rejects(s.prepare('a'), { name: 'AlreadyExistsError' });
    await assert.rejects(s.prepare('x', 'missing'), { name: 'NotFoundError' });
    await s.prepare('b-tx', 'a');
    await assert.rejects(s.prepare('c', 'b-tx'), /not committed/);
    await s.view('v', 'a');
    await assert.rejects(s.commit('vv', 'v'), /only an active snapshot/);
    await assert.rejects(s.commit('a', 'b-tx'), { name: 'AlreadyExistsError' });
    assert.throws(() => s.mounts('a'), { name: 'StateError' });
    assert.throws(() => s.stat('nope'), { name: 'NotFoundError' });

    await assert.rejects(s.remove('a'), (err) => err.name === 'StateError' && /parent of b-tx, v|parent of v, b-tx/.test(err.message));
    const dirs = () => fs.readdirSync(join(root, `io.containerd.snapshotter.v1.${name}`, 'snapshots')).sort();
    assert.deepEqual(dirs(), ['1', '2', '3']);
    await s.remove('b-tx');
    await s.remove('v');
    await s.remove('a');
    assert.deepEqual(dirs(), []);
    assert.deepEqual(s.walk(), []);
    await assert.rejects(s.remove('a'), { name: 'NotFoundError' });

    // A process killed mid-way leaves a directory no record names: cleanup sweeps it.
    fs.mkdirSync(join(root, `io.containerd.snapshotter.v1.${name}`, 'snapshots', '99'));
    fs.mkdirSync(join(root, `io.containerd.snapshotter.v1.${name}`, 'snapshots', 'rm-5'));
    await s.prepare('kept');
    s.cleanup();
    assert.deepEqual(dirs(), ['4']);
    assert.equal(s.stat('kept').kind, 'active');
  });
}

test('native: a child is an independent copy of its parent', asRoot, async () => {
  const { root } = fresh();
  const s = snap.openSnapshotter(root, 'native');
  await s.prepare('p-tx');
  fs.writeFileSync(join(s.applyDir('p-tx'), 'f'), 'parent\n');
  fs.chownSync(join(s.applyDir('p-tx'), 'f'), 123, 456);
  fs.chmodSync(join(s.applyDir('p-tx'), 'f'), 0o4751);
  await s.commit('p', 'p-tx');
  await s.prepare('c', 'p');
  const f = join(s.applyDir('c'), 'f');
  const st = fs.statSync(f);
  assert.deepEqual([st.mode & 0o7777, st.uid, st.gid], [0o4751, 123, 456]);
  fs.writeFileSync(f, 'child\n');
  assert.equal(read(join(root, 'io.containerd.snapshotter.v1.native', 'snapshots', '1', 'f')), 'parent\n');
});

test('concurrent processes preparing snapshots get distinct ids and every record survives', asRoot, async () => {
  const { root } = fresh();
  const script = `
    const snap = require(${JSON.stringify(join(DIST, 'snapshots/index.js'))});
    const s = snap.openSnapshotter(process.argv[1], 'overlayfs');
    (async () => { for (let i = 0; i < 8; i++) await s.prepare('p' + process.argv[2] + '-' + i); })()
      .catch((e) => { console.error(e.message); process.exit(1); });`;
  const runs = [0, 1, 2, 3].map((w) => new Promise((resolve) => {
    const c = spawn(process.execPath, ['-e', script, root, String(w)], { stdio: ['ignore', 'ignore', 'inherit'] });
    c.on('close', resolve);
  }));
  assert.deepEqual(await Promise.all(runs), [0, 0, 0, 0]);
  const s = snap.openSnapshotter(root, 'overlayfs');
  const all = s.walk();
  assert.equal(all.length, 32);
  const dirs = fs.readdirSync(join(root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots'));
  assert.deepEqual(dirs.map(Number).sort((a, b) => a - b), Array.from({ length: 32 }, (_, i) => i + 1));
});

test('unknown snapshotter names are refused', () => {
  assert.throws(() => snap.openSnapshotter(join(base, 'x'), 'zfs'), /snapshotter zfs: unknown/);
});
