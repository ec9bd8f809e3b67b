// ctr images rm/tag, content get/rm/active, snapshots ls/usage over a pulled two-layer image
// (Debian's docker-registry on 127.0.0.1, fed by skopeo, as in pull.test.mjs).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { makeLayout, sha256, skipWithoutRegistry as skip, skopeoPush, startRegistry } from './registry-lib.mjs';

describe('ctr images rm/tag, content get/rm/active, snapshots ls/usage', { skip }, () => {
  registerCleanup();
  const work = tempDir('cmds-work');
  const root = tempDir('cmds-root');
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000 });
  let registry;
  let host;
  let image;
  const ref = () => `${host}/test/small:1`;
  const blobFile = (d) => join(root, 'io.containerd.content.v1.content', 'blobs', 'sha256', d.slice(7));

  before(async () => {
    registry = await startRegistry(work);
    host = registry.host;
    image = makeLayout(work, join(work, 'oci'), [{ 'etc/one.txt': Buffer.from('one\n') }, { 'etc/two.txt': Buffer.from('two\n') }]);
    skopeoPush(join(work, 'oci'), '1', ref());
    const p = await ctr('images', 'pull', '--plain-http', ref());
    assert.equal(p.code, 0, p.stderr);
  });

  after(async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
    // Snapshot directories may hold nothing mounted (unpack does not leave mounts).
    rmSync(root, { recursive: true, force: true });
  });

  it('content get prints the manifest blob byte for byte', async () => {
    const d = sha256(image.manifest);
    // The manifest is ASCII JSON, so the helper's utf8 stdout round-trips byte for byte.
    const g = await ctr('content', 'get', d);
    assert.equal(g.code, 0, g.stderr);
    assert.equal(sha256(Buffer.from(g.stdout, 'utf8')), d);
  });

  it('snapshots ls shows the committed chain with its parent; usage lists each key', async () => {
    const [c1, c2] = [image.diffIDs[0], sha256(`${image.diffIDs[0]} ${image.diffIDs[1]}`)];
    const r = await ctr('snapshots', 'ls');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    // ctr's tabwriter line ends with a tab, so the last column is padded too.
    assert.match(lines[0], /^KEY +PARENT +KIND *$/);
    assert.ok(lines.some((l) => new RegExp(`^${c1} +Committed *$`).test(l)), r.stdout);
    assert.ok(lines.some((l) => new RegExp(`^${c2} +${c1} +Committed *$`).test(l)), r.stdout);
    const alias = await ctr('snapshot', 'ls');
    assert.equal(alias.stdout, r.stdout);
    const u = await ctr('snapshots', 'usage');
    assert.equal(u.code, 0, u.stderr);
    assert.match(u.stdout.split('\n')[0], /^KEY +SIZE +INODES *$/);
    assert.ok(u.stdout.includes(c2), u.stdout);
  });

  it('content active lists no transfers once the pull is done', async () => {
    const r = await ctr('content', 'active');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^REF +SIZE +AGE\n$/);
  });

  it('tag adds a second record; rm of one keeps the blobs; rm of the last deletes them', async () => {
    const t = await ctr('images', 'tag', ref(), 'example.com/copy:2');
    assert.equal(t.code, 0, t.stderr);
    assert.equal(t.stdout, 'example.com/copy:2\n');
    const dup = await ctr('images', 'tag', ref(), 'example.com/copy:2');
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr.trim().split('\n').length, 1, dup.stderr);
    assert.equal((await ctr('images', 'tag', '--force', ref(), 'example.com/copy:2')).code, 0);
    const ls = await ctr('images', 'ls', '-q');
    assert.deepEqual(ls.stdout.trim().split('\n').sort(), [ref(), 'example.com/copy:2'].sort());

    const rm1 = await ctr('images', 'rm', 'example.com/copy:2');
    assert.equal(rm1.code, 0, rm1.stderr);
    assert.equal(rm1.stdout, 'example.com/copy:2\n');
    const all = [image.manifest, image.config, ...image.layers].map(sha256);
    const c1 = await ctr('content', 'ls', '-q');
    for (const d of all) {
      assert.ok(c1.stdout.includes(d), `${d} still listed`);
      assert.ok(existsSync(blobFile(d)), `${d} still on disk`);
    }

    const rm2 = await ctr('images', 'rm', ref(), 'nope:1');
    // As ctr: a missing image is a warning, not a failure.
    assert.equal(rm2.code, 0);
    assert.equal(rm2.stdout, `${ref()}\n`);
    assert.match(rm2.stderr, /^time="[^"]+" level=warning msg="image \\"nope:1\\": not found"\n$/);
    const c2 = await ctr('content', 'ls', '-q');
    for (const d of all) {
      assert.ok(!c2.stdout.includes(d), `${d} gone from content ls`);
      assert.ok(!existsSync(blobFile(d)), `${d} gone from disk`);
    }
    assert.equal((await ctr('images', 'ls', '-q')).stdout, '');
  });

  it('errors are one line and exit 1', async () => {
    const missing = `sha256:${'0'.repeat(64)}`;
    for (const args of [['content', 'get', missing], ['content', 'rm', missing], ['images', 'tag', 'nope:1', 'x:1']]) {
      const r = await ctr(...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, /^ctr: [^\n]+\n$/, `${args.join(' ')}: ${r.stderr}`);
    }
  });
});
