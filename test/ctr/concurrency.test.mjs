// Many ctr processes against one store at once, and pulls killed half-way: 20 concurrent pulls
// of one image into two namespaces, pulls racing `images rm` and `images prune --all`, and
// SIGKILL during a (throttled) download and during unpacking. No image may be half there.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { REPO_ROOT, binPath, childEnv, registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { trackPid, untrackPid } from '../lib/cleanup.mjs';
import { freePort } from '../lib/net.mjs';
import { makeLayout, sha256, skipWithoutRegistry as skip, skopeoPush, startRegistry } from './registry-lib.mjs';

const require = createRequire(import.meta.url);
const { openMetadata } = require(join(REPO_ROOT, 'packages/core/dist/metadata/index.js'));

/** A TCP proxy to `target` that sends the responses at `bytesPerSec`: downloads last long enough to be killed in. */
async function slowProxy(target, bytesPerSec) {
  const [host, port] = target.split(':');
  const sockets = new Set();
  const server = createServer((client) => {
    const up = connect(Number(port), host);
    sockets.add(client); sockets.add(up);
    client.pipe(up);
    up.on('data', (chunk) => {
      client.write(chunk);
      up.pause();
      setTimeout(() => up.resume(), Math.ceil((chunk.length / bytesPerSec) * 1000));
    });
    up.on('end', () => client.end());
    const close = () => { client.destroy(); up.destroy(); sockets.delete(client); sockets.delete(up); };
    client.on('error', close); up.on('error', close); client.on('close', close); up.on('close', close);
  });
  const p = await freePort();
  await new Promise((r) => server.listen(p, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${p}`,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(r); }),
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('concurrent ctr processes and killed pulls', { skip }, () => {
  registerCleanup();
  const work = tempDir('conc-work');
  let registry;
  let image;
  let big;
  let ref;
  let root;
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args], { timeout: 300_000 });
  const blobDir = () => join(root, 'io.containerd.content.v1.content', 'blobs', 'sha256');
  const ingestDir = () => join(root, 'io.containerd.content.v1.content', 'ingest');
  const listDir = (d) => (existsSync(d) ? readdirSync(d) : []);
  const snapshotDirs = () => listDir(join(root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots')).filter((n) => /^[0-9]+$/.test(n));
  const snapshots = (ns) => {
    const m = openMetadata(root);
    try { return m.snapshots.list('overlayfs', ns); } finally { m.close(); }
  };

  before(async () => {
    registry = await startRegistry(work);
    image = makeLayout(work, join(work, 'oci'), [{ 'bin/busybox': '/bin/busybox' }, { 'etc/hello.txt': Buffer.from('hello\n') }]);
    ref = `${registry.host}/test/conc:1`;
    skopeoPush(join(work, 'oci'), '1', ref);
    // Incompressible, so that both its download (throttled) and its extraction take a while.
    big = makeLayout(work, join(work, 'big'), [{ 'data/random.bin': randomBytes(24 << 20) }, { 'etc/hello.txt': Buffer.from('big\n') }]);
    skopeoPush(join(work, 'big'), '1', `${registry.host}/test/big:1`);
  });

  after(async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('20 concurrent pulls into two namespaces: all succeed, one copy of everything, one record per namespace', async () => {
    root = tempDir('conc-root1');
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => ctr('-n', i % 2 ? 'a' : 'b', 'images', 'pull', '--plain-http', ref)));
    for (const r of runs) {
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /SQLITE_BUSY|locked/i);
    }
    const want = [image.manifest, image.config, ...image.layers].map((b) => sha256(b).slice(7)).sort();
    assert.deepEqual(listDir(blobDir()).sort(), want, 'each blob stored once, nothing else');
    assert.deepEqual(listDir(ingestDir()).filter((n) => !n.startsWith('.')), [], 'no ingest left');
    const chain = [image.diffIDs[0], sha256(`${image.diffIDs[0]} ${image.diffIDs[1]}`)].sort();
    for (const ns of ['a', 'b']) {
      assert.equal((await ctr('-n', ns, 'images', 'ls', '-q')).stdout, `${ref}\n`);
      assert.equal((await ctr('-n', ns, 'images', 'check', '-q')).stdout, `${ref}\n`, `${ns}: complete and unpacked`);
      const s = snapshots(ns);
      assert.deepEqual(s.map((x) => x.key).sort(), chain, `${ns}: the two committed layers, no extraction left over`);
      assert.ok(s.every((x) => x.kind === 'committed'));
    }
    assert.equal(snapshotDirs().length, 2, 'each layer unpacked once for both namespaces');
  });

  it('pulls racing images rm and images prune --all: every pull succeeds, the store stays consistent', async () => {
    root = tempDir('conc-root2');
    for (let round = 0; round < 3; round++) {
      const jobs = [
        ctr('images', 'pull', '--plain-http', ref),
        ctr('images', 'pull', '--plain-http', ref),
        sleep(150 * round).then(() => ctr('images', 'rm', ref)),
        sleep(100 + 150 * round).then(() => ctr('images', 'prune', '--all')),
        ctr('images', 'pull', '--plain-http', ref),
      ];
      const [p1, p2, rm, prune, p3] = await Promise.all(jobs);
      for (const p of [p1, p2, p3]) assert.equal(p.code, 0, `round ${round}: ${p.stderr}`);
      assert.ok(rm.code === 0 || rm.stderr === `ctr: image "${ref}": not found\n`, rm.stderr);
      assert.equal(prune.code, 0, prune.stderr);
      // Whatever the order, an image that is listed is whole.
      const ls = (await ctr('images', 'ls', '-q')).stdout;
      if (ls !== '') assert.equal((await ctr('images', 'check', '-q')).stdout, `${ref}\n`, `round ${round}: a listed image is complete and unpacked`);
    }
    await ctr('images', 'pull', '--plain-http', ref);
    assert.equal((await ctr('images', 'check', '-q')).stdout, `${ref}\n`);
    assert.equal((await ctr('images', 'rm', ref)).code, 0);
    assert.deepEqual(listDir(blobDir()), [], 'every blob collected');
    assert.deepEqual(snapshotDirs(), [], 'every snapshot collected');
    assert.deepEqual(snapshots('default'), []);
  });

  /** Spawns a pull and SIGKILLs it once `ready()` holds; returns whether it was killed before finishing. */
  async function killPull(pullRef, ready) {
    const child = spawn(binPath('ctr'), ['--root', root, 'images', 'pull', '--plain-http', pullRef], { env: childEnv(), stdio: 'ignore' });
    trackPid(child.pid);
    const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    let done = false;
    exited.then(() => { done = true; });
    const deadline = Date.now() + 120_000;
    while (!done && Date.now() < deadline && !ready()) await sleep(3);
    if (!done) child.kill('SIGKILL');
    const res = await exited;
    untrackPid(child.pid);
    return res.signal === 'SIGKILL';
  }

  const assertNoImage = async (what) => {
    assert.equal((await ctr('images', 'ls', '-q')).stdout, '', `${what}: no image record`);
    const topChain = sha256(`${big.diffIDs[0]} ${big.diffIDs[1]}`);
    const committed = snapshots('default').filter((s) => s.kind === 'committed').map((s) => s.key);
    assert.ok(!committed.includes(big.diffIDs[0]) && !committed.includes(topChain), `${what}: no layer committed half-way: ${committed}`);
  };

  const assertPullRecovers = async (pullRef) => {
    const r = await ctr('images', 'pull', '--plain-http', pullRef);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await ctr('images', 'check', '-q')).stdout, `${pullRef}\n`);
    assert.equal((await ctr('images', 'rm', pullRef)).code, 0);
    assert.deepEqual(snapshots('default'), [], 'the next collection leaves no snapshot, not even a killed extraction');
    assert.deepEqual(snapshotDirs(), []);
    assert.deepEqual(listDir(blobDir()), []);
  };

  it('a pull killed during the download leaves no image, and the next pull succeeds', async () => {
    root = tempDir('conc-root3');
    const proxy = await slowProxy(registry.host, 8 << 20);
    try {
      const pullRef = `${proxy.host}/test/big:1`;
      // Killed once part of the big layer has arrived.
      const partial = () => listDir(ingestDir()).some((k) => {
        try { return statSync(join(ingestDir(), k, 'data')).size > (1 << 20); } catch { return false; }
      });
      assert.ok(await killPull(pullRef, partial), 'the pull was killed mid-download');
      await assertNoImage('killed during download');
      await assertPullRecovers(pullRef);
    } finally {
      await proxy.close();
    }
  });

  it('a pull killed while unpacking leaves no image and no committed half layer; the next pull succeeds', async () => {
    root = tempDir('conc-root4');
    const pullRef = `${registry.host}/test/big:1`;
    const sdir = join(root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots');
    // Killed once extraction has begun writing the big file.
    const extracting = () => listDir(sdir).some((d) => existsSync(join(sdir, d, 'fs', 'data', 'random.bin')));
    let killed = false;
    for (let attempt = 0; attempt < 3 && !killed; attempt++) {
      killed = await killPull(pullRef, extracting);
      if (!killed) assert.equal((await ctr('images', 'rm', pullRef)).code, 0);
    }
    assert.ok(killed, 'the pull was killed mid-unpack');
    await assertNoImage('killed during unpack');
    const leftover = snapshots('default');
    assert.ok(leftover.every((s) => s.kind === 'active' && s.key.startsWith('extract-')), `only an extraction is left: ${leftover.map((s) => s.key)}`);
    await assertPullRecovers(pullRef);
  });
});
