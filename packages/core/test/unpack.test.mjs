// Layer unpacking: hand-made tars (hostile members no tar tool writes), gzip and zstd, applied
// onto native and overlay targets; every hostile member refused with nothing written outside
// (a sentinel directory beside the target), and the diffID is the sha256 of the plain tar.
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

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const require = createRequire(import.meta.url);
const { applyLayer, UnsafeEntryError } = require(join(DIST, 'images/unpack/index.js'));
const { lgetxattr, lsetxattr } = require(join(DIST, 'sys/xattr.js'));
const { mount, umount } = require(join(DIST, 'sys/mount.js'));

const isRoot = process.getuid?.() === 0;
const asRoot = { skip: isRoot ? false : 'needs root (chown, mknod, trusted xattrs, mount)' };
const hasZstd = spawnSync('zstd', ['--version']).status === 0;

const base = fs.mkdtempSync(join(tmpdir(), 'berth-unpack-'));
const mounted = [];
after(() => {
  for (const m of mounted.reverse()) try { umount(m, 0); } catch { /* already unmounted */ }
  fs.rmSync(base, { recursive: true, force: true });
});

// --- tar builder -----------------------------------------------------------------------
function field(buf, off, len, value) {
  const b = Buffer.from(value);
  if (b.length > len) throw new Error(`tar-build: ${value} does not fit ${len} bytes`);
  b.copy(buf, off);
}
const oct = (n, len) => n.toString(8).padStart(len - 1, '0') + '\0';

/** One 512-byte ustar header. */
function header({ name, type = '0', mode = 0o644, uid = 0, gid = 0, size = 0, mtime = 1600000000, linkname = '', devmajor = 0, devminor = 0 }) {
  const h = Buffer.alloc(512);
  field(h, 0, 100, name);
  field(h, 100, 8, oct(mode, 8));
  field(h, 108, 8, oct(uid, 8));
  field(h, 116, 8, oct(gid, 8));
  field(h, 124, 12, oct(size, 12));
  field(h, 136, 12, oct(mtime, 12));
  field(h, 148, 8, '        ');
  field(h, 156, 1, type);
  field(h, 157, 100, linkname);
  field(h, 257, 6, 'ustar\0');
  field(h, 263, 2, '00');
  field(h, 329, 8, oct(devmajor, 8));
  field(h, 337, 8, oct(devminor, 8));
  let sum = 0;
  for (const b of h) sum += b;
  field(h, 148, 8, oct(sum, 7) + ' ');
  return h;
}

const pad = (b) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);

/** A PAX extended header for the next member: records is [key, string|Buffer][]. */
function pax(records) {
  const parts = records.map(([k, v]) => {
    const body = Buffer.concat([Buffer.from(` ${k}=`), Buffer.from(v), Buffer.from('\n')]);
    let len = body.length + 1;
    while (String(len).length + body.length !== len) len = String(len).length + body.length;
    return Buffer.concat([Buffer.from(String(len)), body]);
  });
  const data = Buffer.concat(parts);
  return Buffer.concat([header({ name: 'PaxHeader', type: 'x', size: data.length }), pad(data)]);
}

/** Builds a tar from members {name, type?, data?, ...header fields, pax?: [[k, v]...]}. */
function tar(members, { trailer = 1024 } = {}) {
  const out = [];
  for (const m of members) {
    if (m.pax) out.push(pax(m.pax));
    const data = m.data === undefined ? Buffer.alloc(0) : Buffer.from(m.data);
    out.push(header({ ...m, size: data.length }));
    if (data.length) out.push(pad(data));
  }
  out.push(Buffer.alloc(trailer));
  return Buffer.concat(out);
}

const sha256 = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** An async iterable over a buffer in small chunks (exercises the streaming parser). */
async function* chunks(buf, size = 777) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

// --- helpers ---------------------------------------------------------------------------
let n = 0;
/** A fresh target and, beside it, a sentinel directory holding one file that must never change. */
function place() {
  const dir = join(base, `case-${++n}`);
  const target = join(dir, 'target');
  const sentinel = join(dir, 'sentinel');
  fs.mkdirSync(target, { recursive: true });
  fs.mkdirSync(sentinel);
  fs.writeFileSync(join(sentinel, 'keep'), 'precious\n');
  return { target, sentinel };
}
function assertSentinelIntact(sentinel) {
  assert.deepEqual(fs.readdirSync(sentinel), ['keep']);
  assert.equal(fs.readFileSync(join(sentinel, 'keep'), 'utf8'), 'precious\n');
  assert.equal(fs.statSync(join(sentinel, 'keep')).nlink, 1);
}
const major = (rdev) => Number((BigInt(rdev) >> 8n) & 0xfffn);
const minor = (rdev) => Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & 0xfff00n));

const RICH = () => tar([
  { name: 'etc/', type: '5', mode: 0o750, uid: 1000, gid: 1001, mtime: 1500000000 },
  { name: 'etc/hostname', data: 'berth\n', mode: 0o640, uid: 1234, gid: 5678, mtime: 1500000100 },
  { name: 'bin/', type: '5', mode: 0o755, mtime: 1500000200 },
  { name: 'bin/su', data: '#!/bin/sh\n', mode: 0o4755, uid: 0, gid: 0 },
  { name: 'bin/sg', data: 'x', mode: 0o2711, uid: 0, gid: 50 },
  { name: 'bin/sh-link', type: '2', linkname: '/bin/busybox', mtime: 1500000300 },
  { name: 'bin/su-hard', type: '1', linkname: 'bin/su' },
  { name: 'dev/', type: '5', mode: 0o755 },
  { name: 'dev/null', type: '3', mode: 0o666, devmajor: 1, devminor: 3 },
  { name: 'dev/loop9', type: '4', mode: 0o660, gid: 6, devmajor: 7, devminor: 9 },
  { name: 'dev/big', type: '3', mode: 0o600, devmajor: 300, devminor: 70000 },
  { name: 'run/', type: '5', mode: 0o755 },
  { name: 'run/fifo', type: '6', mode: 0o620 },
  { name: 'x', data: 'xattrs', pax: [['SCHILY.xattr.user.note', 'hello'], ['SCHILY.xattr.trusted.bin', Buffer.from([0, 1, 2, 255])]] },
  { name: 'long', pax: [['path', `deep/${'d'.repeat(150)}/${'f'.repeat(120)}`], ['mtime', '1400000000.5']], data: 'long name\n' },
  { name: 'implicit/parent/file', data: 'parents made on the way\n' },
]);

test('a rich layer: modes incl. setuid, owners, links, devices, fifo, xattrs, long names, mtimes', asRoot, async () => {
  const { target } = place();
  const plain = RICH();
  const r = await applyLayer(chunks(gzipSync(plain)), target, { whiteouts: 'native' });
  assert.equal(r.compression, 'gzip');
  assert.equal(r.diffID, sha256(plain));
  assert.equal(r.size, plain.length);
  const st = (p) => fs.lstatSync(join(target, p));
  assert.equal(st('etc').mode & 0o7777, 0o750);
  assert.deepEqual([st('etc').uid, st('etc').gid], [1000, 1001]);
  assert.equal(st('etc').mtimeMs, 1500000000 * 1000, 'a directory keeps its mtime after its children were written');
  assert.equal(st('bin').mtimeMs, 1500000200 * 1000);
  assert.equal(fs.readFileSync(join(target, 'etc/hostname'), 'utf8'), 'berth\n');
  assert.deepEqual([st('etc/hostname').uid, st('etc/hostname').gid, st('etc/hostname').mode & 0o7777], [1234, 5678, 0o640]);
  assert.equal(st('etc/hostname').mtimeMs, 1500000100 * 1000);
  assert.equal(st('bin/su').mode & 0o7777, 0o4755, 'setuid kept');
  assert.equal(st('bin/sg').mode & 0o7777, 0o2711, 'setgid kept');
  assert.equal(st('bin/sg').gid, 50);
  assert.ok(st('bin/sh-link').isSymbolicLink());
  assert.equal(fs.readlinkSync(join(target, 'bin/sh-link')), '/bin/busybox');
  assert.equal(st('bin/sh-link').mtimeMs, 1500000300 * 1000);
  assert.equal(st('bin/su-hard').ino, st('bin/su').ino);
  assert.equal(st('bin/su').nlink, 2);
  assert.ok(st('dev/null').isCharacterDevice());
  assert.deepEqual([major(st('dev/null').rdev), minor(st('dev/null').rdev), st('dev/null').mode & 0o7777], [1, 3, 0o666]);
  assert.ok(st('dev/loop9').isBlockDevice());
  assert.deepEqual([major(st('dev/loop9').rdev), minor(st('dev/loop9').rdev), st('dev/loop9').gid], [7, 9, 6]);
  assert.deepEqual([major(st('dev/big').rdev), minor(st('dev/big').rdev)], [300, 70000]);
  assert.ok(st('run/fifo').isFIFO());
  assert.equal(st('run/fifo').mode & 0o7777, 0o620);
  assert.equal(lgetxattr(join(target, 'x'), 'user.note').toString(), 'hello');
  assert.deepEqual([...lgetxattr(join(target, 'x'), 'trusted.bin')], [0, 1, 2, 255]);
  const long = `deep/${'d'.repeat(150)}/${'f'.repeat(120)}`;
  assert.equal(fs.readFileSync(join(target, long), 'utf8'), 'long name\n');
  assert.equal(st(long).mtimeMs, 1400000000.5 * 1000);
  assert.equal(fs.readFileSync(join(target, 'implicit/parent/file'), 'utf8'), 'parents made on the way\n');
});

test('plain and zstd streams give the same diffID, the sha256 of the uncompressed tar', asRoot, async (t) => {
  const plain = RICH();
  const a = place();
  const r1 = await applyLayer(chunks(plain, 100), a.target, { whiteouts: 'native' });
  assert.equal(r1.compression, 'none');
  assert.equal(r1.diffID, sha256(plain));
  assert.equal(r1.digest, sha256(plain));
  if (!hasZstd) { t.skip('zstd binary not installed'); return; }
  const z = spawnSync('zstd', ['-q', '-c'], { input: plain }).stdout;
  const b = place();
  const r2 = await applyLayer(chunks(z, 4096), b.target, { whiteouts: 'native' });
  assert.equal(r2.compression, 'zstd');
  assert.equal(r2.diffID, sha256(plain));
  assert.equal(r2.digest, sha256(z));
  assert.equal(fs.readFileSync(join(b.target, 'etc/hostname'), 'utf8'), 'berth\n');
  // A refused member mid-stream stops the zstd child (it would block writing the rest).
  const c = place();
  const evil = tar([{ name: 'link', type: '2', linkname: c.sentinel }, { name: 'link/pwned', data: 'x' }, { name: 'big', data: Buffer.alloc(8 << 20, 1) }]);
  const ez = spawnSync('zstd', ['-q', '-c'], { input: evil, maxBuffer: 64 << 20 }).stdout;
  await assert.rejects(applyLayer(chunks(ez, 65536), c.target, { whiteouts: 'native' }), /layer entry "link\/pwned"/);
  assertSentinelIntact(c.sentinel);
});

test('the diffID covers the whole stream, including a tar record’s trailing padding', asRoot, async () => {
  const plain = tar([{ name: 'a', data: 'a' }], { trailer: 10240 - 1024 });
  const { target } = place();
  const r = await applyLayer(chunks(gzipSync(plain)), target, { whiteouts: 'native' });
  assert.equal(r.diffID, sha256(plain));
});

const hostile = (sentinel) => [
  ['absolute name', [{ name: join(sentinel, 'pwned'), data: 'x' }], /absolute/],
  ['".." in a name', [{ name: '../sentinel/pwned', data: 'x' }], /"\.\."/],
  ['".." deep in a name', [{ name: 'a/b/../../../sentinel/pwned', data: 'x' }], /"\.\."/],
  ['".." in a PAX path', [{ name: 'innocent', pax: [['path', '../sentinel/pwned']], data: 'x' }], /"\.\."/],
  ['a write through an absolute symlink', [{ name: 'link', type: '2', linkname: sentinel }, { name: 'link/pwned', data: 'x' }], /parent "link" is a symbolic link/],
  ['a write through a relative symlink', [{ name: 'rel', type: '2', linkname: '../sentinel' }, { name: 'rel/keep', data: 'overwritten' }], /parent "rel" is a symbolic link/],
  ['a directory through a symlink', [{ name: 'link', type: '2', linkname: sentinel }, { name: 'link/sub/', type: '5' }], /symbolic link/],
  ['a symlink through a symlink', [{ name: 'link', type: '2', linkname: sentinel }, { name: 'link/evil', type: '2', linkname: '/etc' }], /symbolic link/],
  ['a device node through a symlink', [{ name: 'link', type: '2', linkname: sentinel }, { name: 'link/mem', type: '3', devmajor: 1, devminor: 1 }], /symbolic link/],
  ['a hard link to /etc/shadow', [{ name: 'shadow', type: '1', linkname: '/etc/shadow' }], /absolute hard link target/],
  ['a hard link with ".."', [{ name: 'keep', type: '1', linkname: '../sentinel/keep' }], /"\.\."/],
  ['a hard link through a symlink', [{ name: 'link', type: '2', linkname: sentinel }, { name: 'hl', type: '1', linkname: 'link/keep' }], /symbolic link/],
  ['a hard link to a missing target', [{ name: 'hl', type: '1', linkname: 'nowhere' }], /not in the layer/],
  ['a whiteout through a symlink', [{ name: 'link', type: '2', linkname: sentinel }, { name: 'link/.wh.keep' }], /symbolic link/],
  ['an opaque marker through a symlink', [{ name: 'link', type: '2', linkname: sentinel }, { name: 'link/.wh..wh..opq' }], /symbolic link/],
  ['a file replacing the root', [{ name: './', type: '0', data: 'x' }], /root/],
  ['an unsupported member type', [{ name: 'sparse', type: 'S' }], /unsupported tar entry type/],
];

for (const mode of ['native', 'overlay']) {
  test(`hostile members are refused, naming the member, and nothing is written outside (${mode})`, asRoot, async () => {
    const probe = place();
    for (const [what, members, msg] of hostile(probe.sentinel)) {
      const { target, sentinel } = place();
      const cases = hostile(sentinel).find(([w]) => w === what)[1];
      await assert.rejects(applyLayer(chunks(gzipSync(tar(cases))), target, { whiteouts: mode }), (err) => {
        assert.ok(err instanceof Error, what);
        assert.match(err.message, msg, `${what}: ${err.message}`);
        assert.match(err.message, /^layer entry "/, `${what}: the message names the entry: ${err.message}`);
        return true;
      }, what);
      assertSentinelIntact(sentinel);
    }
    assert.ok(UnsafeEntryError);
  });
}

test('a member replacing a symlink replaces the link, never writes through it', asRoot, async () => {
  const { target, sentinel } = place();
  const layer = tar([
    { name: 'link', type: '2', linkname: join(sentinel, 'keep') },
    { name: 'link', data: 'mine\n' },
    { name: 'dirlink', type: '2', linkname: sentinel },
    { name: 'dirlink/', type: '5', mode: 0o700 },
    { name: 'dirlink/inside', data: 'in\n' },
  ]);
  await applyLayer(chunks(layer), target, { whiteouts: 'native' });
  assertSentinelIntact(sentinel);
  assert.ok(fs.lstatSync(join(target, 'link')).isFile());
  assert.equal(fs.readFileSync(join(target, 'link'), 'utf8'), 'mine\n');
  assert.ok(fs.lstatSync(join(target, 'dirlink')).isDirectory());
  assert.equal(fs.readFileSync(join(target, 'dirlink/inside'), 'utf8'), 'in\n');
});

test('corrupt streams are refused: bad checksum, truncated tar, broken gzip', asRoot, async () => {
  const good = tar([{ name: 'a', data: 'x'.repeat(2000) }]);
  const bad = Buffer.from(good); bad[10] ^= 0xff;
  await assert.rejects(applyLayer(chunks(bad), place().target, { whiteouts: 'native' }), /checksum/);
  await assert.rejects(applyLayer(chunks(good.subarray(0, 1200)), place().target, { whiteouts: 'native' }), /truncated/);
  const gz = gzipSync(good);
  await assert.rejects(applyLayer(chunks(gz.subarray(0, gz.length - 20)), place().target, { whiteouts: 'native' }), /gzip|truncated/);
  if (hasZstd) {
    const z = spawnSync('zstd', ['-q', '-c'], { input: good }).stdout;
    await assert.rejects(applyLayer(chunks(z.subarray(0, z.length - 8)), place().target, { whiteouts: 'native' }), /zstd|truncated/);
  }
});

/** A lower layer as a directory: a, b/{x,y}, c/d, keep. */
function lowerTree(dir) {
  fs.mkdirSync(join(dir, 'b'), { recursive: true });
  fs.mkdirSync(join(dir, 'c'));
  for (const [p, s] of [['a', 'a'], ['b/x', 'x'], ['b/y', 'y'], ['c/d', 'd'], ['keep', 'k']]) fs.writeFileSync(join(dir, p), s);
}
const WHITEOUT_LAYER = () => tar([
  { name: '.wh.a' },
  { name: 'b/', type: '5', mode: 0o755 },
  { name: 'b/.wh..wh..opq' },
  { name: 'b/new', data: 'new\n' },
  { name: 'c/.wh.d' },
  { name: '.wh..wh.plnk/', type: '5' },
]);

test('whiteouts on native: deletions, and an opaque directory keeps only this layer’s entries', asRoot, async () => {
  const { target } = place();
  lowerTree(target);
  await applyLayer(chunks(WHITEOUT_LAYER()), target, { whiteouts: 'native' });
  assert.equal(fs.existsSync(join(target, 'a')), false);
  assert.deepEqual(fs.readdirSync(join(target, 'b')), ['new']);
  assert.deepEqual(fs.readdirSync(join(target, 'c')), []);
  assert.equal(fs.readFileSync(join(target, 'keep'), 'utf8'), 'k');
  assert.ok(!fs.readdirSync(target).some((e) => e.startsWith('.wh.')));
});

test('whiteouts on overlay: 0/0 devices and opaque xattrs in the upperdir, hidden in the merged view', asRoot, async () => {
  const { target: dir } = place();
  const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((d) => join(dir, d));
  for (const d of [lower, upper, work, merged]) fs.mkdirSync(d);
  lowerTree(lower);
  await applyLayer(chunks(gzipSync(WHITEOUT_LAYER())), upper, { whiteouts: 'overlay' });
  const a = fs.lstatSync(join(upper, 'a'));
  assert.ok(a.isCharacterDevice());
  assert.equal(a.rdev, 0);
  assert.equal(lgetxattr(join(upper, 'b'), 'trusted.overlay.opaque')?.toString(), 'y');
  mount('overlay', merged, 'overlay', 0, `lowerdir=${lower},upperdir=${upper},workdir=${work}`);
  mounted.push(merged);
  try {
    assert.deepEqual(fs.readdirSync(merged).sort(), ['b', 'c', 'keep']);
    assert.deepEqual(fs.readdirSync(join(merged, 'b')), ['new']);
    assert.deepEqual(fs.readdirSync(join(merged, 'c')), []);
    assert.equal(fs.readFileSync(join(merged, 'keep'), 'utf8'), 'k');
  } finally {
    umount(merged, 0);
    mounted.pop();
  }
});

test('a layer cannot set overlayfs’ own xattrs (redirects, opaque marks)', asRoot, async () => {
  const { target } = place();
  await applyLayer(chunks(tar([{ name: 'd/', type: '5', pax: [['SCHILY.xattr.trusted.overlay.redirect', '/etc'], ['SCHILY.xattr.user.ok', '1']] }])), target, { whiteouts: 'overlay' });
  assert.equal(lgetxattr(join(target, 'd'), 'trusted.overlay.redirect'), undefined);
  assert.equal(lgetxattr(join(target, 'd'), 'user.ok').toString(), '1');
  assert.ok(lsetxattr);
});
