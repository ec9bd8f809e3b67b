// Issue 3: a registry that lies. A fake registry on 127.0.0.1 answers badly on purpose (wrong
// digest, wrong size, truncated body, garbage JSON, unknown media type, corrupt gzip), or nothing
// listens (connection refused). Each pull fails with exit 1 and one line naming the object and
// the cause; no image is recorded, every stored blob matches its digest, and the next pull from
// an honest registry succeeds (the ingest area was reusable or cleaned).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { freePort } from '../lib/net.mjs';
import { GOARCH, sha256 } from './registry-lib.mjs';
import { tarStream } from './gaps-lib.mjs';

const MT = 'application/vnd.oci.image.manifest.v1+json';

function image(layerBytes, diffID) {
  const config = Buffer.from(JSON.stringify({ architecture: GOARCH, os: 'linux', rootfs: { type: 'layers', diff_ids: [diffID] } }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: MT,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layerBytes), size: layerBytes.length }],
  }));
  return { config, manifest, layer: layerBytes };
}

describe('a registry that lies', () => {
  registerCleanup();
  const root = tempDir('lies-root');
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000 });
  const tar = tarStream([{ name: 'hello.txt', data: 'x'.repeat(200_000) }]);
  const good = image(gzipSync(tar), sha256(tar));
  // A blob with a valid digest whose bytes are not gzip after the magic: only unpacking finds out.
  const badGzip = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(64, 0xff)]);
  const corrupt = image(badGzip, sha256(tar));
  let mode = 'good';
  let server;
  let host;

  before(async () => {
    const blobs = new Map([good, corrupt].flatMap((i) => [i.config, i.manifest, i.layer]).map((b) => [sha256(b), b]));
    server = http.createServer((req, res) => {
      const u = new URL(req.url, 'http://x');
      if (u.pathname === '/v2/') { res.writeHead(200); res.end('{}'); return; }
      const m = /^\/v2\/lies\/img\/(manifests|blobs)\/(.+)$/.exec(u.pathname);
      if (!m) { res.writeHead(404); res.end(); return; }
      const img = mode === 'gzip' ? corrupt : good;
      if (m[1] === 'manifests') {
        let body = img.manifest;
        let type = MT;
        if (mode === 'garbage') body = Buffer.from('{"schemaVersion": 2, "layers": [ garbage');
        if (mode === 'mediatype') { type = 'application/x-berth-unknown'; body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: type })); }
        res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Docker-Content-Digest': sha256(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      const blob = blobs.get(m[2]);
      if (!blob) { res.writeHead(404, { 'Content-Type': 'application/json' }); res.end('{"errors":[{"code":"BLOB_UNKNOWN"}]}'); return; }
      const isLayer = blob === img.layer;
      let body = blob;
      if (isLayer && mode === 'digest') { body = Buffer.from(blob); body[body.length >> 1] ^= 0xff; }
      if (isLayer && mode === 'size') body = Buffer.concat([blob, Buffer.from('extra bytes')]);
      const range = /^bytes=(\d+)-/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      const part = body.subarray(start);
      res.writeHead(range ? 206 : 200, { 'Content-Type': 'application/octet-stream', 'Content-Length': part.length,
        ...(range ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}) });
      if (req.method === 'HEAD') { res.end(); return; }
      if (isLayer && mode === 'truncated') {
        res.write(part.subarray(0, part.length >> 1), () => res.socket.destroy());
        return;
      }
      res.end(part);
    });
    host = `127.0.0.1:${await freePort()}`;
    await new Promise((r) => server.listen(Number(host.split(':')[1]), '127.0.0.1', r));
  });

  after(async () => {
    server.closeAllConnections?.();
    await new Promise((r) => server.close(r));
    rmSync(root, { recursive: true, force: true });
  });

  const ref = () => `${host}/lies/img:1`;
  /** Every blob in the store hashes to its name. */
  const assertBlobsIntact = () => {
    const dir = join(root, 'io.containerd.content.v1.content', 'blobs', 'sha256');
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir)) {
      assert.equal(createHash('sha256').update(readFileSync(join(dir, f))).digest('hex'), f, `blob ${f} holds other bytes`);
    }
  };

  const L = sha256(good.layer);
  const C = sha256(corrupt.layer);
  const cases = [
    ['digest', new RegExp(`^ctr: .*layer-${L}.*digest sha256:[0-9a-f]{64}, expected ${L}$`), 'the wrong digest'],
    ['size', new RegExp(`^ctr: blob ${L} of .*: registry says ${good.layer.length + 11} bytes, expected ${good.layer.length}$`), 'the wrong size'],
    ['truncated', new RegExp(`^ctr: blob ${L} of .* from .*: connection lost at byte \\d+ \\(aborted\\)$`), 'the truncated body'],
    ['garbage', /^ctr: manifest of .*lies\/img:1 from .* is not a JSON object/, 'the garbage manifest'],
    ['mediatype', /^ctr: manifest of .*lies\/img:1 .*no recognisable media type \(application\/x-berth-unknown\)$/, 'the unknown media type'],
    ['gzip', new RegExp(`^ctr: layer ${C}: gzip stream: `), 'the corrupt gzip'],
  ];
  for (const [m, pattern, what] of cases) {
    it(`${what}: one line, exit 1, no image, no corrupt blob; an honest pull then succeeds`, async () => {
      const ns = `lie-${m}`;
      mode = m;
      const r = await ctr('-n', ns, 'images', 'pull', '--plain-http', ref());
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], pattern);
      assert.equal((await ctr('-n', ns, 'images', 'ls', '-q')).stdout, '');
      assertBlobsIntact();
      mode = 'good';
      const ok = await ctr('-n', ns, 'images', 'pull', '--plain-http', ref());
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal((await ctr('-n', ns, 'images', 'ls', '-q')).stdout, `${ref()}\n`);
      assertBlobsIntact();
      assert.deepEqual(readdirSync(join(root, 'io.containerd.content.v1.content', 'ingest')), []);
      // Later cases must fetch their bytes again: drop the image and collect its blobs.
      assert.equal((await ctr('-n', ns, 'images', 'rm', '--sync', ref())).code, 0);
    });
  }

  it('registry down (connection refused): one line naming the host, exit 1, nothing recorded', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const r = await ctr('-n', 'down', 'images', 'pull', '--plain-http', `${dead}/lies/img:1`);
    assert.equal(r.code, 1);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], new RegExp(`^ctr: .*${dead.replace(/\./g, '\\.')}.*(refused|ECONNREFUSED)`, 'i'));
    assert.equal((await ctr('-n', 'down', 'images', 'ls', '-q')).stdout, '');
  });
});
