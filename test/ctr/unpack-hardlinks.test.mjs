// Hard links to members earlier in the same layer, pulled from a registry: the duplicate members
// GNU tar writes when given a path twice (each file's second copy is a hard link to itself),
// links re-made over a name that already holds the inode or another file, and the escapes that
// must stay refused. Compared with what Debian's containerd (1.6.20) unpacks where it accepts
// the layer, and with GNU tar's own extraction of the duplicate layer (which containerd refuses:
// it deletes the name, then fails to link it to itself).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { fileSha, linkGroups, walkTree } from '../lib/tree.mjs';
import { skipWithoutContainerd, startContainerd } from '../lib/containerd.mjs';
import { layerDirs, sha256, skipWithoutRegistry, startRegistry } from './registry-lib.mjs';
import { addImage, pushRaw, tarStream } from './gaps-lib.mjs';

const skip = skipWithoutRegistry || (process.getuid() === 0 ? false : 'needs root');

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { maxBuffer: 64 << 20, ...opts });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Every entry below `dir`: type+mode, owner, mtime, content hash, link target, hard-link group. */
function tree(dir) {
  const group = linkGroups();
  return walkTree(dir, (p, st, r) => {
    const e = { mode: st.mode.toString(8), uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000), nlink: st.isDirectory() ? undefined : st.nlink };
    if (st.isFile()) {
      e.sha = fileSha(p).slice(0, 16);
      e.inode = group(st, r); // the first name of each inode: equal groups, not equal numbers
    }
    if (st.isSymbolicLink()) e.target = readlinkSync(p);
    return e;
  });
}

const chainOf = (diffIDs) => diffIDs.slice(1).reduce((c, d) => sha256(`${c} ${d}`), diffIDs[0]);

describe('hard links to earlier members of the same layer', { skip }, () => {
  registerCleanup();
  const work = tempDir('hardlinks-work');
  const root = tempDir('hardlinks-root');
  const ctr = (args) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000 });
  let registry;
  let l1;
  let dup;
  let dupTar;
  let relink;

  before(async () => {
    // A lower layer, so that the layers under test are applied onto an overlay upperdir.
    l1 = tarStream([{ name: 'etc/', type: 'dir', mtime: 1_400_000_000 }, { name: 'etc/base', data: 'base\n', mode: 0o640, uid: 5, mtime: 1_400_000_001 }]);
    // GNU tar given `etc etc`: etc/ twice, its files the second time as links to themselves.
    const src = join(work, 'dup-src');
    mkdirSync(join(src, 'etc'), { recursive: true });
    writeFileSync(join(src, 'etc/group'), 'root:x:0:\n');
    writeFileSync(join(src, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    chmodSync(join(src, 'etc/passwd'), 0o600);
    sh('touch', ['-d', '@1500000000', join(src, 'etc/group'), join(src, 'etc/passwd'), join(src, 'etc')]);
    dupTar = sh('tar', ['-C', src, '--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-cf', '-', 'etc', 'etc']);
    const listing = sh('tar', ['-tvf', '-'], { input: dupTar, encoding: 'utf8' });
    assert.match(listing, /^h.* etc\/group link to etc\/group$/m, `the layer has the self-links under test:\n${listing}`);
    // Links to an earlier member under another name, re-made over a name holding the same inode,
    // and over a name holding another file. Each link header carries its inode's metadata, as
    // tar writers make them (containerd applies a link header's metadata to the inode; berth
    // keeps the target's: the same result for such layers).
    const x = { mode: 0o755, uid: 7, gid: 8, mtime: 1_450_000_000 };
    const l3 = tarStream([
      { name: 'lib/', type: 'dir', mtime: 1_400_000_000 },
      { name: 'lib/x', data: 'x\n', ...x },
      { name: 'lib/x2', type: 'link', linkname: 'lib/x', ...x },
      { name: 'lib/x', type: 'link', linkname: 'lib/x2', ...x },
      { name: 'lib/y', data: 'replaced\n', mtime: 1_450_000_000 },
      { name: 'lib/y', type: 'link', linkname: 'lib/x', ...x },
    ]);
    registry = await startRegistry(work);
    dup = addImage(join(work, 'oci'), [{ tar: l1 }, { tar: dupTar }]);
    relink = addImage(join(work, 'oci'), [{ tar: l1 }, { tar: l3 }]);
    for (const [repo, img] of [['t/dup', dup], ['t/relink', relink]]) {
      await pushRaw(registry.host, repo, '1', { blobs: [...img.blobs, img.config], manifest: img.manifest });
    }
  });

  after(async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('a layer with duplicate members (GNU tar `etc etc`) unpacks as GNU tar extracts it', async () => {
    const r = await ctr(['images', 'pull', '--plain-http', `${registry.host}/t/dup:1`]);
    assert.equal(r.code, 0, r.stderr);
    const [lower, upper] = await layerDirs(ctr, chainOf(dup.diffIDs), 'dup-layers');
    const mine = tree(upper);
    const ref = join(work, 'dup-gnu');
    mkdirSync(ref);
    sh('tar', ['-C', ref, '-xf', '-'], { input: dupTar });
    assert.deepEqual(mine, tree(ref));
    // The files are there with their data, each its own inode (not deleted, not linked to another).
    assert.equal(readFileSync(join(upper, 'etc/group'), 'utf8'), 'root:x:0:\n');
    assert.equal(readFileSync(join(upper, 'etc/passwd'), 'utf8'), 'root:x:0:0:root:/root:/bin/sh\n');
    assert.deepEqual([mine['etc/group'].nlink, mine['etc/passwd'].nlink, mine['etc/passwd'].mode], [1, 1, '100600']);
    assert.equal(tree(lower)['etc/base'].sha, createHash('sha256').update('base\n').digest('hex').slice(0, 16));
    assert.equal((await ctr(['snapshots', 'rm', 'dup-layers'])).code, 0);
  });

  it('links re-made over a name (same inode, another file) give what containerd unpacks', { skip: skipWithoutContainerd }, async () => {
    const ref = `${registry.host}/t/relink:1`;
    const cd = await startContainerd();
    try {
      const theirs = await cd.ctr(['images', 'pull', '--plain-http', ref], { timeout: 120_000 });
      assert.equal(theirs.code, 0, theirs.stderr);
      const r = await ctr(['images', 'pull', '--plain-http', ref]);
      assert.equal(r.code, 0, r.stderr);
      const chain = chainOf(relink.diffIDs);
      const mine = (await layerDirs(ctr, chain, 'relink-layers')).map(tree);
      const their = (await layerDirs(cd.ctr, chain, 'relink-layers')).map(tree);
      assert.deepEqual(mine, their);
      const lib = mine[1];
      assert.deepEqual(['lib/x', 'lib/x2', 'lib/y'].map((n) => [lib[n].inode, lib[n].nlink, lib[n].mode, lib[n].uid]), Array(3).fill(['lib/x', 3, '100755', 7]));
      assert.equal(lib['lib/y'].sha, createHash('sha256').update('x\n').digest('hex').slice(0, 16));
      assert.equal((await ctr(['snapshots', 'rm', 'relink-layers'])).code, 0);
    } finally {
      await cd.stop();
    }
  });

  it('a self-link through a symlinked parent, or to a name outside the layer, is still refused', async () => {
    const hostPasswd = lstatSync('/etc/passwd');
    const cases = [
      // The name's parent is a symlink out of the rootfs: the link would be made on the host.
      [[{ name: 'up', type: 'symlink', linkname: '/' }, { name: 'up/etc/passwd', type: 'link', linkname: 'up/etc/passwd' }], /symbolic link/],
      // The target reached through a symlink out of the rootfs.
      [[{ name: 'up', type: 'symlink', linkname: '/etc' }, { name: 'pw', type: 'link', linkname: 'up/passwd' }], /symbolic link/],
      [[{ name: 'pw', type: 'link', linkname: '../../../../etc/passwd' }], /"\.\."/],
      [[{ name: 'pw', type: 'link', linkname: '/etc/passwd' }], /absolute/],
      // Not written yet: a link to a later member, or to one in a lower layer (containerd refuses both too).
      [[{ name: 'a', type: 'link', linkname: 'b' }, { name: 'b', data: 'b\n' }], /not in the layer/],
      [[{ name: 'etc/base2', type: 'link', linkname: 'etc/base' }], /not in the layer/],
    ];
    for (const [i, [members, want]] of cases.entries()) {
      const img = addImage(join(work, 'oci'), [{ tar: l1 }, { tar: tarStream(members) }]);
      await pushRaw(registry.host, `t/hostile${i}`, '1', { blobs: [...img.blobs, img.config], manifest: img.manifest });
      const r = await ctr(['images', 'pull', '--plain-http', `${registry.host}/t/hostile${i}:1`]);
      assert.equal(r.code, 1, `case ${i}: refused: ${r.stdout}`);
      assert.match(r.stderr, /^ctr: [^\n]+\n$/, `case ${i}: one line`);
      assert.match(r.stderr, want, `case ${i}`);
    }
    const now = lstatSync('/etc/passwd');
    assert.deepEqual([now.ino, now.nlink, now.mtimeMs], [hostPasswd.ino, hostPasswd.nlink, hostPasswd.mtimeMs], 'the host file untouched');
  });
});
