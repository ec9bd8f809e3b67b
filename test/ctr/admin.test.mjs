// ctr images check/label/usage/prune and content label/prune references over a pulled two-layer
// image (Debian's docker-registry on 127.0.0.1, fed by skopeo, as in pull.test.mjs).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { makeLayout, sha256, skipWithoutRegistry as skip, skopeoPush, startRegistry } from './registry-lib.mjs';

const MT = 'application/vnd.oci.image.manifest.v1+json';
const mib = (n) => {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(1)} ${units[i]}`;
};

describe('ctr images check/label/usage/prune, content label/prune references', { skip }, () => {
  registerCleanup();
  const work = tempDir('admin-work');
  const root = tempDir('admin-root');
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000 });
  let registry;
  let image;
  let ref;
  const blobFile = (d) => join(root, 'io.containerd.content.v1.content', 'blobs', 'sha256', d.slice(7));
  const chain = () => [image.diffIDs[0], sha256(`${image.diffIDs[0]} ${image.diffIDs[1]}`)];
  const pull = async (ns) => {
    const r = await ctr('-n', ns, 'images', 'pull', '--plain-http', ref);
    assert.equal(r.code, 0, r.stderr);
  };

  before(async () => {
    registry = await startRegistry(work);
    image = makeLayout(work, join(work, 'oci'), [{ 'bin/busybox': '/bin/busybox' }, { 'etc/hello.txt': Buffer.from('hello\n') }]);
    ref = `${registry.host}/test/admin:1`;
    skopeoPush(join(work, 'oci'), '1', ref);
    await pull('default');
  });

  after(async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('images check: complete with present/total blobs and bytes, unpacked; -q lists it; alias forms', async () => {
    const r = await ctr('images', 'check');
    assert.equal(r.code, 0, r.stderr);
    const [head, row, ...rest] = r.stdout.split('\n');
    assert.match(head, /^REF +TYPE +DIGEST +STATUS +SIZE +UNPACKED $/);
    assert.deepEqual(rest, ['']);
    const want = image.config.length + image.layers.reduce((n, l) => n + l.length, 0);
    assert.equal(row.replace(/ +/g, ' '), `${ref} ${MT} ${sha256(image.manifest)} complete (3/3) ${mib(want)}/${mib(want)} true`);
    assert.equal((await ctr('images', 'check', '-q')).stdout, `${ref}\n`);
    assert.equal((await ctr('image', 'check', '-q')).stdout, `${ref}\n`);
    assert.equal((await ctr('i', 'check', `name==${ref}`, '-q')).stdout, `${ref}\n`);
    assert.equal((await ctr('images', 'check', 'name==other:1')).stdout, '', 'a filter matching nothing prints nothing');
    const other = await ctr('images', 'check', '--snapshotter', 'native');
    assert.match(other.stdout.split('\n')[1], / false$/, 'not unpacked with native');
  });

  it('images check: a missing layer makes it incomplete; a re-pull completes it', async () => {
    const layer = sha256(image.layers[1]);
    assert.equal((await ctr('content', 'rm', layer)).code, 0);
    const r = await ctr('images', 'check');
    const row = r.stdout.split('\n')[1].replace(/ +/g, ' ');
    const present = image.config.length + image.layers[0].length;
    const want = present + image.layers[1].length;
    assert.ok(row.endsWith(` incomplete (2/3) ${mib(present)}/${mib(want)} true`), row);
    assert.equal((await ctr('images', 'check', '-q')).stdout, '');
    await pull('default');
    assert.equal((await ctr('images', 'check', '-q')).stdout, `${ref}\n`);
    assert.ok(existsSync(blobFile(layer)));
  });

  it('images label sets, clears and replaces labels; images ls shows them', async () => {
    const set = await ctr('images', 'label', ref, 'b=2', 'a=1', 'flag');
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, 'a=1,b=2,flag=true\n');
    assert.match((await ctr('images', 'ls')).stdout.split('\n')[1], / a=1,b=2,flag=true $/);
    assert.equal((await ctr('image', 'label', ref, 'flag=')).stdout, 'a=1,b=2\n');
    assert.equal((await ctr('i', 'label', '-r', ref, 'c=3')).stdout, 'c=3\n');
    assert.equal((await ctr('images', 'label', ref, 'c=')).stdout, '\n');
    const missing = await ctr('images', 'label', 'nope:1', 'a=1');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'ctr: image "nope:1": not found\n');
  });

  it('images usage: each snapshot of the unpacked chain, top first', async () => {
    const r = await ctr('images', 'usage', ref);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines.pop(), '');
    assert.match(lines[0], /^KEY +SIZE +INODES +$/);
    const [c1, c2] = chain();
    assert.equal(lines.length, 3, r.stdout);
    assert.match(lines[1], new RegExp(`^${c2} +[0-9.]+ (B|KiB) +[0-9]+ +$`));
    assert.match(lines[2], new RegExp(`^${c1} +[0-9.]+ (KiB|MiB) +[0-9]+ +$`));
    const native = await ctr('images', 'usage', '--snapshotter', 'native', ref);
    assert.equal(native.code, 1);
    assert.equal(native.stderr, `ctr: image ${ref} isn't unpacked in snapshotter native\n`);
    const missing = await ctr('image', 'usage', 'nope:1');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^ctr: failed to ensure if image nope:1 exists: [^\n]*not found\n$/);
  });

  it('content label sets and clears a label beside the gc labels', async () => {
    const m = sha256(image.manifest);
    const r = await ctr('content', 'label', m, 'x=y');
    assert.equal(r.code, 0, r.stderr);
    const labels = r.stdout.trim().split(',');
    assert.ok(labels.includes('x=y'), r.stdout);
    assert.ok(labels.includes(`containerd.io/gc.ref.content.config=${sha256(image.config)}`), r.stdout);
    assert.ok(!(await ctr('content', 'label', m, 'x=')).stdout.includes('x=y'));
    const bad = await ctr('content', 'label', 'nothex', 'a=b');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^ctr: invalid checksum digest format[^\n]*\n$/);
    const missing = await ctr('content', 'label', `sha256:${'0'.repeat(64)}`, 'a=b');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^ctr: content digest sha256:0+: not found\n$/);
  });

  it('content prune references: layer blobs go, the unpacked snapshots stay', async () => {
    const dry = await ctr('content', 'prune', 'references', '--dry');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /level=debug msg="Removing label" .*label=containerd\.io\/gc\.ref\.content\.l\.0$/m);
    for (const l of image.layers) assert.ok(existsSync(blobFile(sha256(l))), 'dry run deletes nothing');

    const r = await ctr('content', 'prune', 'references');
    assert.equal(r.code, 0, r.stderr);
    for (const l of image.layers) assert.ok(!existsSync(blobFile(sha256(l))), 'layer deleted');
    for (const b of [image.manifest, image.config]) assert.ok(existsSync(blobFile(sha256(b))), 'manifest and config kept');
    const row = (await ctr('images', 'check')).stdout.split('\n')[1].replace(/ +/g, ' ');
    assert.match(row, / incomplete \(1\/3\) .* true$/);
    assert.equal((await ctr('images', 'usage', ref)).stdout.trim().split('\n').length, 3, 'snapshots still there');
    await pull('default');
    assert.equal((await ctr('images', 'check', '-q')).stdout, `${ref}\n`);
  });

  it('images prune: nothing without --all; --all removes unused images and their content', async () => {
    const t = await ctr('images', 'tag', ref, 'example.com/copy:1');
    assert.equal(t.code, 0, t.stderr);
    const none = await ctr('images', 'prune');
    assert.equal(none.code, 0);
    assert.match(none.stderr, /level=warning msg="No images pruned\. `image prune` requires --all to be specified\."/);
    assert.equal((await ctr('images', 'ls', '-q')).stdout.trim().split('\n').length, 2);

    const r = await ctr('image', 'prune', '--all');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`level=info msg="deleted image: ${ref.replace(/[.]/g, '\\.')}\\\\n"`));
    assert.match(r.stderr, /level=info msg="deleted image: example\.com\/copy:1\\n"/);
    assert.equal((await ctr('images', 'ls', '-q')).stdout, '');
    for (const b of [image.manifest, image.config, ...image.layers]) assert.ok(!existsSync(blobFile(sha256(b))), 'blob deleted');
    assert.equal((await ctr('images', 'check')).stdout, '');
  });
});
