// Issue 3: what a pull unpacks, compared with what Debian's containerd (and its ctr) unpacks from
// the same registry image: owners, modes with setuid/setgid/sticky, xattrs (user.* and
// security.capability, from PAX records), hard links, symlinks, device nodes and fifos, and the
// mtimes of files, directories and links — layer directory by layer directory.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, linkSync, mkdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { REPO_ROOT, registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { fileSha, linkGroups, walkTree } from '../lib/tree.mjs';
import { skipWithoutContainerd, startContainerd } from '../lib/containerd.mjs';
import { layerDirs, skipWithoutRegistry, startRegistry } from './registry-lib.mjs';
import { addImage, pushRaw } from './gaps-lib.mjs';

const { lgetxattr, llistxattr, lsetxattr } = createRequire(import.meta.url)(join(REPO_ROOT, 'packages/core/dist/sys/xattr.js'));
const skip = skipWithoutContainerd || skipWithoutRegistry || (process.getuid() === 0 ? false : 'needs root');

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A PAX tar (xattrs included) of the tree `build(dir)` makes, owners, modes and mtimes as on disk. */
function layerOf(dir, build) {
  mkdirSync(dir, { recursive: true });
  build(dir);
  return sh('tar', ['-C', dir, '--format=pax', '--xattrs', '--xattrs-include=*', '--numeric-owner', '--sort=name', '-cf', '-', '.']);
}

/** cap_net_bind_service+ep as a VFS_CAP_REVISION_2 security.capability value. */
const CAP = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

/** Every entry: type+mode, owner, mtime, size/sha, link target, device, xattrs, hard-link group. */
function tree(dir) {
  const group = linkGroups();
  return walkTree(dir, (p, st, r) => {
    const e = { mode: st.mode.toString(8), uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
    const names = llistxattr(p).sort();
    if (names.length) e.xattrs = Object.fromEntries(names.map((n) => [n, lgetxattr(p, n)?.toString('hex')]));
    if (st.isFile()) {
      e.sha = fileSha(p);
      if (st.nlink > 1) e.linkedTo = group(st, r);
    }
    if (st.isSymbolicLink()) e.target = readlinkSync(p);
    if (st.isCharacterDevice() || st.isBlockDevice()) e.rdev = st.rdev;
    return e;
  });
}

describe('unpacked trees equal containerd\'s for the same pulled image', { skip }, () => {
  registerCleanup();
  const work = tempDir('unpack-diff-work');
  const root = tempDir('unpack-diff-root');
  const ctr = (args) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000 });
  let registry;
  let cd;
  let img;

  before(async () => {
    const l1 = layerOf(join(work, 'l1'), (d) => {
      mkdirSync(join(d, 'bin'));
      writeFileSync(join(d, 'bin/capped'), '#!/bin/sh\necho capped\n');
      chmodSync(join(d, 'bin/capped'), 0o755);
      lsetxattr(join(d, 'bin/capped'), 'security.capability', CAP);
      writeFileSync(join(d, 'bin/suid'), '#!/bin/sh\n');
      chmodSync(join(d, 'bin/suid'), 0o4755);
      writeFileSync(join(d, 'bin/sgid'), '#!/bin/sh\n');
      chownSync(join(d, 'bin/sgid'), 0, 50);
      chmodSync(join(d, 'bin/sgid'), 0o2711);
      mkdirSync(join(d, 'tmp'));
      chmodSync(join(d, 'tmp'), 0o1777);
      mkdirSync(join(d, 'srv/shared'), { recursive: true });
      chownSync(join(d, 'srv/shared'), 33, 33);
      chmodSync(join(d, 'srv/shared'), 0o2770);
      writeFileSync(join(d, 'srv/shared/data'), 'data\n');
      lsetxattr(join(d, 'srv/shared/data'), 'user.berth.note', 'kept');
      lsetxattr(join(d, 'srv/shared'), 'user.berth.dir', 'dir attr');
      chownSync(join(d, 'srv/shared/data'), 1000, 1001);
      chmodSync(join(d, 'srv/shared/data'), 0o640);
      linkSync(join(d, 'srv/shared/data'), join(d, 'srv/hard'));
      symlinkSync('shared/data', join(d, 'srv/sym'));
      mkdirSync(join(d, 'dev'));
      sh('mknod', ['-m', '0620', join(d, 'dev/tty9'), 'c', '4', '9']);
      sh('mknod', ['-m', '0660', join(d, 'dev/loop9'), 'b', '7', '9']);
      sh('mkfifo', ['-m', '0600', join(d, 'dev/fifo')]);
      // Mtimes last, deepest first: creating children bumps a directory's mtime.
      sh('touch', ['-h', '-d', '@1500000000', join(d, 'srv/sym')]);
      for (const p of ['bin/capped', 'bin/suid', 'bin/sgid', 'srv/shared/data', 'dev/tty9', 'dev/loop9', 'dev/fifo']) sh('touch', ['-d', '@1500000100', join(d, p)]);
      for (const p of ['srv/shared', 'srv', 'bin', 'dev', 'tmp', '.']) sh('touch', ['-d', '@1400000000', join(d, p)]);
    });
    const l2 = layerOf(join(work, 'l2'), (d) => {
      mkdirSync(join(d, 'srv/shared'), { recursive: true });
      writeFileSync(join(d, 'srv/shared/more'), 'layer 2\n');
      lsetxattr(join(d, 'srv/shared/more'), 'user.berth.layer', '2');
      chownSync(join(d, 'srv/shared'), 33, 33);
      chmodSync(join(d, 'srv/shared'), 0o2770);
      sh('touch', ['-d', '@1600000000', join(d, 'srv/shared/more')]);
      for (const p of ['srv/shared', 'srv', '.']) sh('touch', ['-d', '@1450000000', join(d, p)]);
    });
    registry = await startRegistry(work);
    img = addImage(join(work, 'oci'), [{ tar: l1, compression: 'gzip' }, { tar: l2, compression: 'none' }]);
    await pushRaw(registry.host, 'diff/img', '1', { blobs: [...img.blobs, img.config], manifest: img.manifest });
    cd = await startContainerd();
  });

  after(async () => {
    await cd?.stop();
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('owners, modes, xattrs, links, devices and mtimes match, layer by layer', async () => {
    const ref = `${registry.host}/diff/img:1`;
    const theirs = await cd.ctr(['images', 'pull', '--plain-http', ref], { timeout: 120_000 });
    assert.equal(theirs.code, 0, theirs.stderr);
    const mine = await ctr(['images', 'pull', '--plain-http', ref]);
    assert.equal(mine.code, 0, mine.stderr);

    const chain = (await ctr(['snapshots', 'ls'])).stdout.split('\n').slice(1).filter(Boolean).map((l) => l.split(/\s+/)[0]);
    const top = chain.find((k) => k !== img.diffIDs[0]);
    assert.ok(top, `two layers: ${chain}`);
    const mineDirs = await layerDirs(ctr, top, 'cmp-layers');
    const theirDirs = await layerDirs(cd.ctr, top, 'cmp-layers');
    assert.equal(mineDirs.length, 2);
    assert.equal(theirDirs.length, 2);
    const [m1, m2] = mineDirs.map(tree);
    assert.deepEqual(m1, tree(theirDirs[0]), 'layer 1');
    assert.deepEqual(m2, tree(theirDirs[1]), 'layer 2');

    // The comparison is of the interesting things, not of two empty trees.
    assert.equal(m1['bin/capped'].xattrs?.['security.capability'], CAP.toString('hex'));
    assert.equal(m1['srv/shared/data'].xattrs?.['user.berth.note'], Buffer.from('kept').toString('hex'));
    assert.equal(m1['srv/shared'].xattrs?.['user.berth.dir'], Buffer.from('dir attr').toString('hex'));
    assert.deepEqual([m1['bin/suid'].mode, m1['bin/sgid'].mode, m1['tmp'].mode, m1['srv/shared'].mode], ['104755', '102711', '41777', '42770']);
    assert.deepEqual([m1['srv/shared/data'].uid, m1['srv/shared/data'].gid, m1['srv/shared'].uid], [1000, 1001, 33]);
    assert.equal(m1['srv/hard'].linkedTo, 'srv/hard');
    assert.equal(m1['srv/shared/data'].linkedTo, 'srv/hard');
    assert.equal(m1['srv/sym'].target, 'shared/data');
    assert.deepEqual([m1['dev/tty9'].mode, m1['dev/loop9'].mode, m1['dev/fifo'].mode], ['20620', '60660', '10600']);
    assert.deepEqual([m1['srv/sym'].mtime, m1['srv/shared/data'].mtime, m1['srv/shared'].mtime, m1['srv'].mtime], [1500000000, 1500000100, 1400000000, 1400000000]);
    assert.deepEqual([m2['srv/shared/more'].mtime, m2['srv/shared'].mtime], [1600000000, 1450000000]);
  });
});
