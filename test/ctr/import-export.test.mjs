// ctr images import / export end to end, and differentially against Debian's containerd + ctr:
// an image with whiteouts, an opaque directory, a hard link, a symlink, a setuid file, a device
// node and non-root owners, turned into a docker-save and an OCI archive by skopeo (a tool berth
// did not write), imported by both — same output lines, image digests and sizes, and equal
// unpacked layer trees — and exported by both to byte-identical archives that skopeo and
// containerd read back. Hostile archives fail with one line and leave nothing behind.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { REPO_ROOT, binPath, childEnv, registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { fileSha, linkGroups, walkTree } from '../lib/tree.mjs';
import { skipWithoutContainerd, startContainerd } from '../lib/containerd.mjs';
import { GOARCH, layerDirs, sha256 } from './registry-lib.mjs';

const { lgetxattr } = createRequire(import.meta.url)(join(REPO_ROOT, 'packages/core/dist/sys/xattr.js'));
const have = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const skip = skipWithoutContainerd || (have('skopeo') ? false : 'needs skopeo') || (process.getuid() === 0 ? false : 'needs root');

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { maxBuffer: 256 << 20, ...opts });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A layer tar of the tree `build(dir)` makes, owners and modes as on disk. */
function layerOf(dir, build) {
  mkdirSync(dir, { recursive: true });
  build(dir);
  return sh('tar', ['-C', dir, '--numeric-owner', '--sort=name', '--mtime=@1600000000', '-cf', '-', '.']);
}

/** An OCI layout (tag "1") of a two-layer image exercising what unpacking must preserve. */
function makeImage(work) {
  const l1 = layerOf(join(work, 'l1'), (d) => {
    mkdirSync(join(d, 'bin'));
    copyFileSync('/bin/busybox', join(d, 'bin/busybox'));
    mkdirSync(join(d, 'etc'));
    writeFileSync(join(d, 'etc/hello.txt'), 'hello from layer 1\n');
    writeFileSync(join(d, 'etc/gone.txt'), 'removed by layer 2\n');
    linkSync(join(d, 'etc/hello.txt'), join(d, 'etc/hard.txt'));
    symlinkSync('hello.txt', join(d, 'etc/sym'));
    writeFileSync(join(d, 'bin/suid'), '#!/bin/sh\n');
    chmodSync(join(d, 'bin/suid'), 0o4755);
    mkdirSync(join(d, 'home/user/opaque'), { recursive: true });
    writeFileSync(join(d, 'home/user/opaque/old.txt'), 'hidden by the opaque marker\n');
    writeFileSync(join(d, 'home/user/own.txt'), 'owned by 1000:1001\n');
    chownSync(join(d, 'home/user'), 1000, 1001);
    chownSync(join(d, 'home/user/own.txt'), 1000, 1001);
    mkdirSync(join(d, 'dev'));
    sh('mknod', ['-m', '0666', join(d, 'dev/null'), 'c', '1', '3']);
  });
  const l2 = layerOf(join(work, 'l2'), (d) => {
    mkdirSync(join(d, 'etc'));
    writeFileSync(join(d, 'etc/.wh.gone.txt'), '');
    writeFileSync(join(d, 'etc/new.txt'), 'added by layer 2\n');
    mkdirSync(join(d, 'home/user/opaque'), { recursive: true });
    writeFileSync(join(d, 'home/user/opaque/.wh..wh..opq'), '');
    writeFileSync(join(d, 'home/user/opaque/fresh.txt'), 'only this is left\n');
  });
  const layers = [gzipSync(l1), l2];
  const config = Buffer.from(JSON.stringify({ architecture: GOARCH, os: 'linux', config: { Cmd: ['/bin/sh'] }, rootfs: { type: 'layers', diff_ids: [sha256(l1), sha256(l2)] } }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layers[0]), size: layers[0].length },
      { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layers[1]), size: layers[1].length },
    ],
  }));
  const dir = join(work, 'oci');
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const b of [...layers, config, manifest]) writeFileSync(join(dir, 'blobs', 'sha256', sha256(b).slice(7)), b);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': '1' } }] }));
  return { dir, manifest, diffIDs: [sha256(l1), sha256(l2)] };
}

/** Every entry under `dir`: type+mode, owner, size, link target, content hash, device, opaque xattr, hard-link group. */
function tree(dir) {
  const group = linkGroups();
  return walkTree(dir, (p, st, r) => {
    const e = { mode: st.mode.toString(8), uid: st.uid, gid: st.gid };
    if (st.isFile()) {
      e.sha = fileSha(p);
      e.mtime = Math.floor(st.mtimeMs / 1000);
      if (st.nlink > 1) e.linkedTo = group(st, r);
    }
    if (st.isSymbolicLink()) e.target = readlinkSync(p);
    if (st.isCharacterDevice() || st.isBlockDevice()) e.rdev = st.rdev;
    if (st.isDirectory()) {
      const opq = lgetxattr(p, 'trusted.overlay.opaque');
      if (opq) e.opaque = opq.toString();
    }
    return e;
  });
}

const rows = (ls) => ls.split('\n').slice(1).filter(Boolean).map((l) => l.split(/\s+/).slice(0, 6).join(' ')).sort();

describe('ctr images import/export', { skip }, () => {
  registerCleanup();
  const work = tempDir('import-work');
  const root = tempDir('ctr-root');
  const ctr = (args, opts = {}) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000, ...opts });
  let cd;
  let image;
  let dockerTar;
  let ociTar;
  let ociDigest;

  before(async () => {
    image = makeImage(work);
    dockerTar = join(work, 'docker.tar');
    ociTar = join(work, 'oci.tar');
    sh('skopeo', ['copy', '--quiet', `oci:${image.dir}:1`, `docker-archive:${dockerTar}:example.com/test/img:1`]);
    sh('skopeo', ['copy', '--quiet', `oci:${image.dir}:1`, `oci-archive:${ociTar}:1`]);
    // skopeo writes the manifest anew: the archive's own index names the digest to expect.
    ociDigest = JSON.parse(sh('tar', ['-xOf', ociTar, 'index.json'])).manifests[0].digest;
    cd = await startContainerd();
  });

  after(async () => {
    await cd?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('imports a docker save archive as containerd does: output, digests, sizes, unpacked trees', async () => {
    const mine = await ctr(['images', 'import', dockerTar]);
    const theirs = await cd.ctr(['images', 'import', dockerTar]);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.equal(mine.code, 0, mine.stderr);
    assert.match(mine.stdout, /^unpacking example\.com\/test\/img:1 \(sha256:[0-9a-f]{64}\)\.\.\.done\n$/);
    assert.equal(mine.stdout, theirs.stdout);
    const ls = await ctr(['images', 'ls']);
    assert.deepEqual(rows(ls.stdout), rows((await cd.ctr(['images', 'ls'])).stdout));

    const chain = (await ctr(['snapshots', 'ls'])).stdout.split('\n').slice(1).filter(Boolean).map((l) => l.split(/\s+/)[0]);
    assert.equal(chain.length, 2, 'two committed layers');
    const top = chain.find((k) => (k !== image.diffIDs[0]));
    const mineDirs = await layerDirs((a) => ctr(a), top, 'cmp-layers');
    const theirDirs = await layerDirs((a) => cd.ctr(a), top, 'cmp-layers');
    assert.equal(mineDirs.length, 2);
    assert.equal(theirDirs.length, 2);
    for (let i = 0; i < 2; i++) assert.deepEqual(tree(mineDirs[i]), tree(theirDirs[i]), `layer ${i + 1}`);
    // The hostile-looking parts really are there (the comparison is not of two empty trees).
    const t2 = tree(mineDirs[1]);
    assert.equal(t2['etc/gone.txt'].mode, '20000');
    assert.equal(t2['home/user/opaque'].opaque, 'y');
    const t1 = tree(mineDirs[0]);
    assert.equal(t1['bin/suid'].mode, '104755');
    assert.equal(t1['etc/hard.txt'].linkedTo, 'etc/hard.txt');
    assert.equal(t1['etc/hello.txt'].linkedTo, 'etc/hard.txt');
    assert.equal(t1['etc/sym'].target, 'hello.txt');
    assert.equal(t1['dev/null'].mode, '20666');
    assert.deepEqual([t1['home/user/own.txt'].uid, t1['home/user/own.txt'].gid], [1000, 1001]);
  });

  it('imports an OCI archive with --base-name, --digests and --index-name as containerd does', async () => {
    const args = ['images', 'import', '--base-name', 'example.com/oci', '--digests', '--index-name', 'example.com/oci-index:1', ociTar];
    const mine = await ctr(args);
    const theirs = await cd.ctr(args);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.equal(mine.code, 0, mine.stderr);
    assert.equal(mine.stdout, theirs.stdout);
    assert.match(mine.stdout, new RegExp(`^unpacking example\\.com/oci:1 \\(${ociDigest}\\)\\.\\.\\.done$`, 'm'));
    assert.deepEqual(rows((await ctr(['images', 'ls'])).stdout), rows((await cd.ctr(['images', 'ls'])).stdout));
    // An OCI archive of a tag not under --base-name imports nothing by that name.
    const none = await ctr(['images', 'import', '--no-unpack', '--base-name', 'other/name', ociTar]);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, '');
  });

  it('exports archives byte-identical to containerd\'s, which skopeo and containerd read back', async () => {
    for (const ref of ['example.com/test/img:1', 'example.com/oci:1']) {
      const mineFile = join(work, 'mine.tar');
      const theirFile = join(work, 'theirs.tar');
      const mine = await ctr(['images', 'export', mineFile, ref]);
      assert.equal(mine.code, 0, mine.stderr);
      const theirs = await cd.ctr(['images', 'export', theirFile, ref]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.ok(readFileSync(mineFile).equals(readFileSync(theirFile)), `export of ${ref} differs from containerd's`);
    }
    const both = join(work, 'both.tar');
    assert.equal((await ctr(['images', 'export', both, 'example.com/test/img:1', 'example.com/oci:1'])).code, 0);
    const inspect = JSON.parse(sh('skopeo', ['inspect', `oci-archive:${both}:1`]).toString());
    assert.equal(inspect.Digest, ociDigest);
    const dinspect = JSON.parse(sh('skopeo', ['inspect', `docker-archive:${both}:example.com/test/img:1`]).toString());
    assert.equal(dinspect.Layers.length, 2);
    // containerd imports berth's export under the names berth wrote.
    const back = await cd.ctr(['images', 'import', '--no-unpack', both], { namespace: 'back' });
    assert.equal(back.code, 0, back.stderr);
    const names = (await cd.ctr(['images', 'ls', '-q'], { namespace: 'back' })).stdout.split('\n').filter(Boolean).sort();
    assert.deepEqual(names, ['example.com/oci:1', 'example.com/test/img:1']);
  });

  it('reads stdin and writes stdout ("-")', async () => {
    const out = spawnSync(binPath('ctr'), ['--root', root, 'images', 'export', '-', 'example.com/oci:1'], { env: childEnv(), maxBuffer: 64 << 20 });
    assert.equal(out.status, 0, String(out.stderr));
    const again = await ctr(['-n', 'piped', 'images', 'import', '--base-name', 'example.com/oci', '--no-unpack', '--label', 'from=stdin', '-'], { input: out.stdout });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, '');
    const ls = await ctr(['-n', 'piped', 'images', 'ls']);
    const [, row, ...rest] = ls.stdout.split('\n');
    assert.deepEqual(rest, ['']);
    assert.match(row, new RegExp(`^example\\.com/oci:1 +application/vnd\\.oci\\.image\\.manifest\\.v1\\+json +${ociDigest} .* from=stdin +$`));
  });

  it('refuses a hostile archive with one line, exit 1, and leaves no blob, ingest or image', async () => {
    const hostileRoot = tempDir('ctr-hostile');
    const bad = join(work, 'bad.tar');
    // The OCI archive plus a member named by an absolute path, appended by GNU tar itself.
    copyFileSync(ociTar, bad);
    writeFileSync(join(work, 'evil'), 'x');
    sh('tar', ['-C', work, '--absolute-names', '-rf', bad, join(work, 'evil')]);
    const r = await runBin('ctr', ['--root', hostileRoot, 'images', 'import', bad]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^ctr: archive ${bad.replace(/[.]/g, '\\.')}: entry "${join(work, 'evil').replace(/[.]/g, '\\.')}": absolute name .* refused\n$`));
    const blobs = join(hostileRoot, 'io.containerd.content.v1.content', 'blobs', 'sha256');
    assert.deepEqual(existsSync(blobs) ? readdirSync(blobs) : [], []);
    const ingest = join(hostileRoot, 'io.containerd.content.v1.content', 'ingest');
    assert.deepEqual(existsSync(ingest) ? readdirSync(ingest) : [], []);
    assert.equal((await runBin('ctr', ['--root', hostileRoot, 'images', 'ls', '-q'])).stdout, '');
    const missing = await runBin('ctr', ['--root', hostileRoot, 'images', 'import', join(work, 'nope.tar')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^ctr: archive .*nope\.tar: no such file\n$/);
  });
});
