// ctr images push and ctr content fetch end to end, against a real registry (Debian's
// docker-registry on 127.0.0.1); what was pushed is read back with skopeo, a client berth did
// not write. Also the TTY progress display, run under util-linux `script`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO_ROOT, binPath, registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { addMultiIndex, makeLayout, sha256, skipWithoutRegistry as skip, skopeoPush, startRegistry } from './registry-lib.mjs';

const req = createRequire(import.meta.url);

function skopeoRaw(ref) {
  const r = spawnSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`], { encoding: 'buffer', timeout: 60_000 });
  assert.equal(r.status, 0, `skopeo inspect ${ref}: ${r.stderr}`);
  return r.stdout;
}

describe('ctr images push / content fetch', { skip }, () => {
  registerCleanup();
  const work = tempDir('push-work');
  const root = tempDir('push-root');
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000 });
  let registry;
  let host;
  let image;
  let multi;
  /** Registry log lines `METHOD path status` for requests to repository `repo`. */
  const requests = (repo) => registry.log().split('\n')
    .map((l) => /"(GET|HEAD|POST|PUT|PATCH) (\/v2\/[^ ]*) HTTP\/[0-9.]+" (\d+)/.exec(l))
    .filter((m) => m && m[2].startsWith(`/v2/${repo}/`))
    .map((m) => `${m[1]} ${m[2]} ${m[3]}`);

  before(async () => {
    registry = await startRegistry(work);
    host = registry.host;
    image = makeLayout(work, join(work, 'oci'), [{ 'bin/busybox': '/bin/busybox' }, { 'etc/hello.txt': Buffer.from('pushed\n') }]);
    skopeoPush(join(work, 'oci'), '1', `${host}/src/busybox:1`);
    multi = addMultiIndex(join(work, 'oci'), image);
    skopeoPush(join(work, 'oci'), 'multi', `${host}/src/busybox:multi`, true);
    const r = await ctr('-n', 'p', 'images', 'pull', '--plain-http', `${host}/src/busybox:1`);
    assert.equal(r.code, 0, r.stderr);
  });

  after(async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('pushes a pulled image to another repository: skopeo reads the same manifest', async () => {
    const dest = `${host}/dst/one:v1`;
    const r = await ctr('-n', 'p', 'images', 'push', '--plain-http', dest, `${host}/src/busybox:1`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    for (const l of image.layers) assert.match(r.stdout, new RegExp(`^layer-${sha256(l)}: done$`, 'm'));
    assert.match(r.stdout, new RegExp(`^config-${sha256(image.config)}: done$`, 'm'));
    // The manifest goes last, once the registry has every blob it names.
    assert.match(r.stdout, new RegExp(`manifest-${sha256(image.manifest)}: done\n$`));
    const raw = skopeoRaw(dest);
    assert.equal(sha256(raw), sha256(image.manifest));
    const log = requests('dst/one');
    // Each blob: HEAD (404), POST to start, PUT with the bytes and the digest (201).
    assert.equal(log.filter((l) => /^POST \/v2\/dst\/one\/blobs\/uploads\/ 202$/.test(l)).length, 3, log.join('\n'));
    assert.equal(log.filter((l) => /^PUT \/v2\/dst\/one\/blobs\/uploads\/\S+digest=sha256%3A\w+ 201$/.test(l)).length, 3, log.join('\n'));
    assert.ok(log.some((l) => l === `PUT /v2/dst/one/manifests/v1 201`), log.join('\n'));
  });

  it('a second push uploads nothing: every blob exists', async () => {
    const dest = `${host}/dst/one:v1`;
    const before = requests('dst/one').length;
    const r = await ctr('-n', 'p', 'i', 'push', '--plain-http', dest, `${host}/src/busybox:1`);
    assert.equal(r.code, 0, r.stderr);
    for (const b of [image.config, ...image.layers]) assert.match(r.stdout, new RegExp(`-${sha256(b)}: exists$`, 'm'));
    const log = requests('dst/one').slice(before);
    assert.deepEqual(log.filter((l) => /^(POST|PATCH)|blobs\/uploads/.test(l)), []);
    assert.equal(log.filter((l) => l.startsWith('HEAD /v2/dst/one/blobs/')).length, 3);
  });

  it('content fetch stores every blob, labels their source, records no unpacked snapshot', async () => {
    const r = await ctr('-n', 'f', 'content', 'fetch', '--plain-http', `${host}/src/busybox:1`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${host.replace(/\./g, '\\.')}/src/busybox:1: resolved$`, 'm'));
    assert.match(r.stdout, new RegExp(`^manifest-${sha256(image.manifest)}: (done|exists)$`, 'm'));
    const digests = (await ctr('-n', 'f', 'content', 'ls', '-q')).stdout.trim().split('\n').sort();
    assert.deepEqual(digests, [image.manifest, image.config, ...image.layers].map(sha256).sort());
    const ls = (await ctr('-n', 'f', 'content', 'ls')).stdout;
    for (const b of [image.manifest, image.config, ...image.layers]) {
      const row = ls.split('\n').find((l) => l.startsWith(sha256(b)));
      assert.ok(row.includes(`containerd.io/distribution.source.${host}=src/busybox`), row);
    }
    // As containerd's client.Fetch: the image is recorded (not unpacked).
    assert.equal((await ctr('-n', 'f', 'images', 'ls', '-q')).stdout, `${host}/src/busybox:1\n`);
  });

  it('a push from fetched content mounts the blobs across repositories', async () => {
    const dest = `${host}/dst/mounted:1`;
    const r = await ctr('-n', 'f', 'images', 'push', '--plain-http', dest, `${host}/src/busybox:1`);
    assert.equal(r.code, 0, r.stderr);
    for (const b of [image.config, ...image.layers]) assert.match(r.stdout, new RegExp(`-${sha256(b)}: mounted$`, 'm'));
    const log = requests('dst/mounted');
    assert.equal(log.filter((l) => /^POST \/v2\/dst\/mounted\/blobs\/uploads\/\?mount=sha256%3A\w+&from=src%2Fbusybox 201$/.test(l)).length, 3, log.join('\n'));
    assert.deepEqual(log.filter((l) => l.startsWith('PUT /v2/dst/mounted/blobs/')), []);
    assert.equal(sha256(skopeoRaw(dest)), sha256(image.manifest));
  });

  it('an index: fetched for every platform, pushed whole, or one platform with --platform', async () => {
    const r = await ctr('-n', 'm', 'content', 'fetch', '--plain-http', '--all-platforms', `${host}/src/busybox:multi`);
    assert.equal(r.code, 0, r.stderr);
    const digests = (await ctr('-n', 'm', 'content', 'ls', '-q')).stdout.trim().split('\n').sort();
    assert.deepEqual(digests, [multi.index, multi.other, multi.otherConfig, image.manifest, image.config, ...image.layers].map(sha256).sort());
    const whole = await ctr('-n', 'm', 'images', 'push', '--plain-http', `${host}/dst/multi:all`, `${host}/src/busybox:multi`);
    assert.equal(whole.code, 0, whole.stderr);
    assert.match(whole.stdout, new RegExp(`index-${sha256(multi.index)}: done\n$`));
    assert.equal(sha256(skopeoRaw(`${host}/dst/multi:all`)), sha256(multi.index));
    assert.equal(sha256(skopeoRaw(`${host}/dst/multi@${sha256(multi.other)}`)), sha256(multi.other));
    const one = await ctr('-n', 'm', 'images', 'push', '--plain-http', '--platform', 'linux/s390x', `${host}/dst/multi:s390x`, `${host}/src/busybox:multi`);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(sha256(skopeoRaw(`${host}/dst/multi:s390x`)), sha256(multi.other));

    // Only this host's platform, plus every manifest and config with --all-metadata.
    const meta = await ctr('-n', 'md', 'content', 'fetch', '--plain-http', '--all-metadata', `${host}/src/busybox:multi`);
    assert.equal(meta.code, 0, meta.stderr);
    const got = (await ctr('-n', 'md', 'content', 'ls', '-q')).stdout.trim().split('\n').sort();
    assert.deepEqual(got, [multi.index, multi.other, multi.otherConfig, image.manifest, image.config, ...image.layers].map(sha256).sort());
    const s390 = await ctr('-n', 'sx', 'content', 'fetch', '--plain-http', '--platform', 'linux/s390x', `${host}/src/busybox:multi`);
    assert.equal(s390.code, 0, s390.stderr);
    const sx = (await ctr('-n', 'sx', 'content', 'ls', '-q')).stdout.trim().split('\n').sort();
    assert.deepEqual(sx, [multi.index, multi.other, multi.otherConfig, ...image.layers].map(sha256).sort());
  });

  it('--manifest pushes a manifest by digest from the content store', async () => {
    const dest = `${host}/dst/bydigest:m`;
    const r = await ctr('-n', 'p', 'images', 'push', '--plain-http', '--manifest', sha256(image.manifest), dest);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sha256(skopeoRaw(dest)), sha256(image.manifest));
  });

  it('chunked uploads: the registry client PATCHes chunks, then PUTs the digest', async () => {
    const { RegistryClient } = req(join(REPO_ROOT, 'packages/core/dist/images/registry/index.js'));
    const c = new RegistryClient({ plainHttp: true, credentials: null });
    const big = image.layers[0];
    const name = `${host}/dst/chunked:1`;
    const chunk = 256 * 1024;
    const res = await c.pushBlob(name, { digest: sha256(big), size: big.length }, (s, e) => {
      const { Readable } = req('node:stream');
      return Readable.from([big.subarray(s, e)]);
    }, { chunkSize: chunk });
    assert.equal(res, 'pushed');
    const log = requests('dst/chunked');
    assert.equal(log.filter((l) => /^PATCH \/v2\/dst\/chunked\/blobs\/uploads\/\S+ 202$/.test(l)).length, Math.ceil(big.length / chunk), log.join('\n'));
    assert.equal(log.filter((l) => /^PUT \/v2\/dst\/chunked\/blobs\/uploads\/\S+digest=/.test(l)).length, 1);
    assert.equal(await c.blobSize(name, sha256(big)), big.length);
    const back = await c.readBlob(name, sha256(big), 8 << 20);
    assert.ok(back.equals(big));
  });

  it('a missing local image fails with one line, exit 1, nothing pushed', async () => {
    const before = requests('dst/none').length;
    const r = await ctr('-n', 'p', 'images', 'push', '--plain-http', `${host}/dst/none:1`, 'nosuch.example/image:1');
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.match(r.stderr, /^ctr: image "nosuch\.example\/image:1": not found/);
    assert.equal(requests('dst/none').length, before);
    const none = await ctr('-n', 'p', 'images', 'push');
    assert.equal(none.code, 1);
    assert.equal(none.stderr, 'ctr: please provide a remote image reference to push\n');
  });

  it('on a terminal: a table redrawn in place, bars, and the elapsed/total line', async () => {
    const cmd = [binPath('ctr'), '--root', root, '-n', 'tty', 'content', 'fetch', '--plain-http', `${host}/src/busybox:1`]
      .map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, COLUMNS: '300', TERM: 'xterm' } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const out = r.stdout;
    // At least two frames, the later ones drawn over the earlier (cursor up, erase line).
    assert.ok(out.split('elapsed: ').length >= 3, JSON.stringify(out));
    assert.match(out, /\x1b\[1A\x1b\[2K\r/);
    // The last frame: every blob done or exists with a full green bar, then the totals.
    const last = out.slice(out.lastIndexOf('\x1b[2K\r') + 4);
    for (const b of [image.manifest, image.config, ...image.layers]) {
      assert.match(last, new RegExp(`-${sha256(b)}: +(done|exists) +\\|\\x1b\\[32m\\+{38}\\x1b\\[0m\\|`), JSON.stringify(last));
    }
    assert.match(last, /^elapsed: \d+\.\d +s +total: +[0-9.]+ [KMG]?i?B? +\([0-9.]+ [KMG]?i?B\/s\)/m);
    // Plain mode prints no escapes at all.
    const plain = await ctr('-n', 'tty', 'content', 'fetch', '--plain-http', `${host}/src/busybox:1`);
    assert.equal(plain.code, 0, plain.stderr);
    assert.doesNotMatch(plain.stdout, /\x1b/);
  });
});
