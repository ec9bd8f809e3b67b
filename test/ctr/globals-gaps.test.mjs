// Issue 3: ctr's global flags and command forms — `version` tells the truth (berth, no daemon),
// `--timeout` bounds a pull stuck on a registry that stops sending, `--debug` adds the stack to
// an error, every images command answers under the `image` and `i` topic aliases, and every list
// command that has `-q` in containerd's ctr has it here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import http from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { REPO_ROOT, registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { freePort } from '../lib/net.mjs';
import { GOARCH, sha256 } from './registry-lib.mjs';
import { tarStream } from './gaps-lib.mjs';

describe('ctr global flags and command forms', () => {
  registerCleanup();
  const root = tempDir('globals-root');
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000 });
  let server;
  let host;
  let stall = true;

  before(async () => {
    const tar = tarStream([{ name: 'big.bin', data: Buffer.alloc(1 << 20, 7) }]);
    const layer = gzipSync(tar);
    const config = Buffer.from(JSON.stringify({ architecture: GOARCH, os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(tar)] } }));
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
    }));
    const blobs = new Map([config, layer].map((b) => [sha256(b), b]));
    // A registry that sends the first bytes of the layer, then nothing more while `stall` holds.
    server = http.createServer((req, res) => {
      const u = new URL(req.url, 'http://x');
      if (u.pathname === '/v2/') { res.writeHead(200); res.end('{}'); return; }
      if (u.pathname.endsWith('/manifests/1') || u.pathname.endsWith(`/manifests/${sha256(manifest)}`)) {
        res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Content-Length': manifest.length, 'Docker-Content-Digest': sha256(manifest) });
        res.end(req.method === 'HEAD' ? undefined : manifest);
        return;
      }
      const blob = blobs.get(u.pathname.split('/').pop());
      if (!blob) { res.writeHead(404); res.end(); return; }
      const range = /^bytes=(\d+)-/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      const part = blob.subarray(start);
      res.writeHead(range ? 206 : 200, { 'Content-Length': part.length, ...(range ? { 'Content-Range': `bytes ${start}-${blob.length - 1}/${blob.length}` } : {}) });
      if (stall && blob === layer) res.write(part.subarray(0, 1000)); else res.end(part);
    });
    host = `127.0.0.1:${await freePort()}`;
    await new Promise((r) => server.listen(Number(host.split(':')[1]), '127.0.0.1', r));
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(root, { recursive: true, force: true });
  });

  it('version: the berth version, and no daemon behind it', async () => {
    const r = await runBin('ctr', ['version']);
    assert.equal(r.code, 0, r.stderr);
    const v = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/ctr/package.json'), 'utf8')).version;
    assert.match(r.stdout, new RegExp(`^Client:\\n  Version:  ${v.replace(/\./g, '\\.')} \\(berth\\)\\n`));
    assert.match(r.stdout, /\nServer:\n  Version: .*no daemon/);
    assert.match(r.stdout, new RegExp(`Node\\.js ${process.version.replace(/\./g, '\\.')}|Node\\.js v\\d+`));
  });

  it('--timeout bounds a pull stuck on a silent registry; the next pull completes it', async () => {
    const ref = `${host}/slow/img:1`;
    const r = await ctr('--timeout', '2s', 'images', 'pull', '--plain-http', ref);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.ms < 15_000, `stopped after ${r.ms} ms`);
    assert.equal(r.stderr, 'ctr: context deadline exceeded (--timeout 2s)\n');
    assert.equal((await ctr('images', 'ls', '-q')).stdout, '');
    stall = false;
    const ok = await ctr('--timeout', '1m', 'images', 'pull', '--plain-http', ref);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((await ctr('images', 'ls', '-q')).stdout, `${ref}\n`);
    const bad = await ctr('--timeout', 'soon', 'namespaces', 'ls');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^ctr: invalid value "soon" for flag -timeout/);
  });

  it('--debug adds the stack to an error, before or after the command', async () => {
    const plain = await ctr('images', 'tag', 'example.com/none:1', 'example.com/other:1');
    assert.equal(plain.code, 1);
    assert.equal(plain.stderr.split('\n').filter(Boolean).length, 1, plain.stderr);
    for (const args of [['--debug', 'images', 'tag', 'example.com/none:1', 'example.com/other:1'], ['images', 'tag', '--debug', 'example.com/none:1', 'example.com/other:1']]) {
      const r = await ctr(...args);
      assert.equal(r.code, 1);
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(lines[0], plain.stderr.trim());
      assert.ok(lines.some((l) => /^\s+at .*\.js:\d+/.test(l)), `a stack: ${r.stderr}`);
    }
  });

  it('every images command answers under the image and i aliases', async () => {
    const cmds = ['check', 'export', 'import', 'label', 'list', 'ls', 'mount', 'prune', 'pull', 'push', 'remove', 'rm', 'delete', 'del', 'tag', 'unmount', 'usage'];
    for (const topic of ['images', 'image', 'i']) {
      for (const c of cmds) {
        const r = await ctr(topic, c, '--help');
        assert.equal(r.code, 0, `${topic} ${c}: ${r.stderr}`);
      }
    }
    assert.equal((await ctr('image', 'ls', '-q')).code, 0);
  });

  it('an unknown command or subcommand: one line and exit status 3, as containerd\'s ctr', async () => {
    for (const args of [['frobnicate'], ['frobnicate', 'x'], ['snapshots', 'frobnicate'], ['i', 'frobnicate'], ['content', 'prune', 'frobnicate'], ['-n', 'x', 'snapshots', 'frobnicate']]) {
      const r = await ctr(...args);
      assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, "No help topic for 'frobnicate'\n", args.join(' '));
      assert.equal(r.stdout, '');
    }
    // A topic alone is still its help.
    const topic = await ctr('snapshots');
    assert.equal(topic.code, 0, topic.stderr);
    assert.match(topic.stdout, /snapshots ls/);
  });

  it('-q on every list command that has it in ctr', async () => {
    await ctr('namespaces', 'create', 'quiet-ns');
    const lists = [['images', 'ls'], ['images', 'check'], ['content', 'ls'], ['namespaces', 'ls'], ['leases', 'ls'], ['containers', 'ls'], ['tasks', 'ls'], ['plugins', 'ls']];
    for (const l of lists) {
      const r = await ctr(...l, '-q');
      assert.equal(r.code, 0, `${l.join(' ')} -q: ${r.stderr}`);
      assert.doesNotMatch(r.stdout, /^[A-Z]+ {2,}/, `${l.join(' ')} -q prints no header`);
    }
    assert.ok((await ctr('namespaces', 'ls', '-q')).stdout.split('\n').includes('quiet-ns'));
    assert.ok((await ctr('plugins', 'ls', '-q')).stdout.split('\n').includes('overlayfs'));
  });
});
