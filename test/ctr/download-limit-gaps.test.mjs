// Issue 3: layers download concurrently up to a limit — containerd's max_concurrent_downloads
// (config.toml, default 3) or ctr's --max-concurrent-downloads. A registry on 127.0.0.1 holds
// each layer answer back a little and counts the layer requests in flight.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import http from 'node:http';
import { rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { freePort } from '../lib/net.mjs';
import { GOARCH, sha256 } from './registry-lib.mjs';
import { tarStream } from './gaps-lib.mjs';

describe('concurrent layer downloads', () => {
  registerCleanup();
  const root = tempDir('dl-limit-root');
  let server;
  let host;
  let inFlight = 0;
  let peak = 0;

  before(async () => {
    const tars = Array.from({ length: 6 }, (_, i) => tarStream([{ name: `f${i}`, data: `layer ${i}\n` }]));
    const layers = tars.map((t) => gzipSync(t));
    const config = Buffer.from(JSON.stringify({ architecture: GOARCH, os: 'linux', rootfs: { type: 'layers', diff_ids: tars.map(sha256) } }));
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(l), size: l.length })),
    }));
    const blobs = new Map([config, ...layers].map((b) => [sha256(b), b]));
    server = http.createServer((req, res) => {
      const u = new URL(req.url, 'http://x');
      if (u.pathname === '/v2/') { res.writeHead(200); res.end('{}'); return; }
      if (/\/manifests\//.test(u.pathname)) {
        res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Content-Length': manifest.length, 'Docker-Content-Digest': sha256(manifest) });
        res.end(req.method === 'HEAD' ? undefined : manifest);
        return;
      }
      const blob = blobs.get(u.pathname.split('/').pop());
      if (!blob) { res.writeHead(404); res.end(); return; }
      if (blob === config) { res.writeHead(200, { 'Content-Length': blob.length }); res.end(blob); return; }
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'Content-Length': blob.length });
        res.end(blob);
      }, 1000); // long enough for the workers of a loaded machine to overlap
    });
    host = `127.0.0.1:${await freePort()}`;
    await new Promise((r) => server.listen(Number(host.split(':')[1]), '127.0.0.1', r));
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(root, { recursive: true, force: true });
  });

  const pull = async (ns, extra) => {
    peak = 0;
    // Each run in a root of its own: the blobs must be downloaded again.
    const r2 = tempDir(`dl-limit-${ns}`);
    const r = await runBin('ctr', ['--root', r2, ...extra, 'images', 'pull', '--plain-http', `${host}/limit/img:${ns}`].filter(Boolean), { timeout: 120_000 });
    rmSync(r2, { recursive: true, force: true });
    assert.equal(r.code, 0, r.stderr);
    return peak;
  };

  it('three at once by default, as containerd', async () => {
    assert.equal(await pull('default', []), 3);
  });

  it('--max-concurrent-downloads 1 downloads one layer at a time; 6 all at once', async () => {
    const r2 = tempDir('dl-limit-flag');
    peak = 0;
    const one = await runBin('ctr', ['--root', r2, 'images', 'pull', '--plain-http', '--max-concurrent-downloads', '1', `${host}/limit/img:1`], { timeout: 120_000 });
    assert.equal(one.code, 0, one.stderr);
    assert.equal(peak, 1);
    rmSync(r2, { recursive: true, force: true });
    const r3 = tempDir('dl-limit-flag6');
    peak = 0;
    const six = await runBin('ctr', ['--root', r3, 'images', 'pull', '--plain-http', '--max-concurrent-downloads', '6', `${host}/limit/img:1`], { timeout: 120_000 });
    assert.equal(six.code, 0, six.stderr);
    assert.equal(peak, 6);
    rmSync(r3, { recursive: true, force: true });
  });

  it('config.toml max_concurrent_downloads sets the limit', async () => {
    const cfg = join(root, 'config.toml');
    writeFileSync(cfg, 'version = 2\n[plugins."io.containerd.transfer.v1.local"]\n  max_concurrent_downloads = 2\n');
    assert.equal(await pull('config', ['--config', cfg]), 2);
  });
});
