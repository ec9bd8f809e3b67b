// Issue 3: hostile layers through a real pull (Debian's docker-registry, layers pushed byte for
// byte): absolute paths, `..`, a symlink out of the rootfs followed by a write through it (in the
// same layer and from the next layer), a hard link to a host file. Whatever the outcome, nothing
// is written outside the snapshot directories; a refused pull is one line naming the layer and
// the member, exit 1, and records no image.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { sha256, skipWithoutRegistry as skip, startRegistry } from './registry-lib.mjs';
import { addImage, pushRaw, tarStream } from './gaps-lib.mjs';

describe('hostile layers through a real pull', { skip }, () => {
  registerCleanup();
  const work = tempDir('hostile-work');
  const root = tempDir('hostile-root');
  // The host directory the layers aim at, with a file to overwrite and one to hard-link.
  const outside = tempDir('hostile-outside');
  const up = '../'.repeat(12); // more than the snapshot directory's depth
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000 });
  let registry;

  const cases = [
    ['an absolute path', [[{ name: `${outside}/abs.txt`, data: 'abs\n' }]]],
    ['a ".." path', [[{ name: `${up}${outside.slice(1)}/dotdot.txt`, data: 'dotdot\n' }]]],
    ['a symlink out of the rootfs, then a write through it', [[
      { name: 'out', type: 'symlink', linkname: outside }, { name: 'out/through.txt', data: 'through\n' }]]],
    ['a relative symlink climbing out, then a write through it', [[
      { name: 'rel', type: 'symlink', linkname: `${up}${outside.slice(1)}` }, { name: 'rel/rel.txt', data: 'rel\n' }]]],
    ['a symlink in one layer, a write through it in the next', [
      [{ name: 'lower', type: 'symlink', linkname: outside }],
      [{ name: 'lower/next-layer.txt', data: 'next\n' }, { name: 'lower/victim.txt', data: 'overwritten\n' }]]],
    ['a hard link to a host file', [[{ name: 'hl', type: 'link', linkname: `${outside}/victim.txt` }]]],
    ['a hard link climbing out with ".."', [[{ name: 'hl2', type: 'link', linkname: `${up}${outside.slice(1)}/victim.txt` }]]],
  ];

  before(async () => {
    registry = await startRegistry(work);
    writeFileSync(join(outside, 'victim.txt'), 'host file\n');
    const oci = join(work, 'oci');
    for (const [i, [, layers]] of cases.entries()) {
      const img = addImage(oci, layers.map((members) => ({ tar: tarStream(members) })));
      await pushRaw(registry.host, 'hostile/img', `case${i}`, { blobs: [...img.blobs, img.config], manifest: img.manifest });
      cases[i].push(img);
    }
  });

  after(async () => {
    await registry?.stop();
    for (const d of [work, root, outside]) rmSync(d, { recursive: true, force: true });
  });

  const assertOutsideIntact = (what) => {
    assert.deepEqual(readdirSync(outside), ['victim.txt'], `${what}: a file appeared outside the rootfs`);
    assert.equal(readFileSync(join(outside, 'victim.txt'), 'utf8'), 'host file\n', `${what}: the host file changed`);
    assert.equal(statSync(join(outside, 'victim.txt')).nlink, 1, `${what}: the host file gained a hard link`);
  };

  for (const [i, [what]] of cases.entries()) {
    it(`${what}: nothing outside the snapshots; refused in one line or contained`, async (t) => {
      const img = cases[i][2];
      const ref = `${registry.host}/hostile/img:case${i}`;
      const ns = `hostile${i}`;
      const r = await ctr('-n', ns, 'images', 'pull', '--plain-http', ref);
      assertOutsideIntact(what);
      const ls = (await ctr('-n', ns, 'images', 'ls', '-q')).stdout;
      t.diagnostic(r.code === 0 ? 'pulled, contained' : `refused: ${r.stderr.trim()}`);
      if (r.code === 0) {
        assert.equal(ls, `${ref}\n`);
        return;
      }
      assert.equal(r.code, 1, r.stderr);
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], new RegExp(`^ctr: layer sha256:[0-9a-f]{64}: layer entry ".+"`), lines[0]);
      assert.ok(img.blobs.some((b) => lines[0].includes(sha256(b))), `names a layer of the image: ${lines[0]}`);
      assert.equal(ls, '', 'no image recorded');
      const snaps = join(root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots');
      // No half-extracted snapshot is left committed: `snapshots ls` shows only complete chains.
      const sl = (await ctr('-n', ns, 'snapshots', 'ls')).stdout.split('\n').slice(1).filter(Boolean);
      for (const row of sl) assert.match(row, /Committed\s*$/, row);
      assert.ok(existsSync(snaps) || sl.length === 0);
    });
  }
});
