// Extra CA certificates, read lazily: bin/ctr moves NODE_EXTRA_CA_CERTS to BERTH_EXTRA_CA_CERTS
// (Node would read the file at every start), and the registry client adds it to Node's roots
// only when it opens a TLS connection. Against a real docker-registry serving TLS with a
// self-signed certificate made here by openssl.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { trackPid, untrackPid } from '../lib/cleanup.mjs';
import { freePort } from '../lib/net.mjs';
import { makeLayout, skipWithoutAuthTools as skip, skopeoPush } from './registry-lib.mjs';

const portOpen = (port) => new Promise((resolve) => {
  const s = connect(port, '127.0.0.1');
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false));
});

describe('ctr and TLS registries: extra CA certificates', { skip }, () => {
  registerCleanup();
  const work = tempDir('tls-work');
  const root = tempDir('tls-root');
  const ca = join(work, 'cert.pem');
  const ctr = (args, env) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000, env });
  let proc;
  let host;
  let log = '';

  before(async () => {
    // One self-signed certificate for 127.0.0.1: the server's and its own CA.
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(work, 'key.pem'), '-out', ca, '-days', '2', '-subj', '/CN=berth-test-registry',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:TRUE'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const port = await freePort();
    host = `127.0.0.1:${port}`;
    const cfg = join(work, 'config.yml');
    writeFileSync(cfg, ['version: 0.1', 'log:', '  level: info', 'storage:', '  filesystem:', `    rootdirectory: ${join(work, 'data')}`,
      'http:', `  addr: ${host}`, '  tls:', `    certificate: ${ca}`, `    key: ${join(work, 'key.pem')}`].join('\n') + '\n');
    proc = spawn('docker-registry', ['serve', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
    trackPid(proc.pid);
    proc.stdout.on('data', (d) => { log += d; });
    proc.stderr.on('data', (d) => { log += d; });
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      assert.equal(proc.exitCode, null, `docker-registry exited: ${log}`);
      up = await portOpen(port);
      if (!up) await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(up, `docker-registry did not start: ${log}`);
    makeLayout(work, join(work, 'oci'), [{ 'etc/hello.txt': Buffer.from('hello over tls\n') }]);
    skopeoPush(join(work, 'oci'), '1', `${host}/test/tls:1`); // --dest-tls-verify=false
  });

  after(async () => {
    if (proc && proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    if (proc) untrackPid(proc.pid);
  });

  it('fails without the CA, in one line naming the host and the certificate problem', async () => {
    const r = await ctr(['images', 'pull', `${host}/test/tls:1`]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], new RegExp(`^ctr: .*certificate of ${host.replace(/\./g, '\\.')} not trusted: self[- ]signed certificate`, 'i'));
    assert.match(lines[0], /NODE_EXTRA_CA_CERTS/);
  });

  it('pulls with NODE_EXTRA_CA_CERTS pointing at the CA', async () => {
    const r = await ctr(['images', 'pull', `${host}/test/tls:1`], { NODE_EXTRA_CA_CERTS: ca });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^done: /m);
    const ls = await ctr(['images', 'ls', '-q']);
    assert.equal(ls.stdout, `${host}/test/tls:1\n`);
  });

  it('pulls with BERTH_EXTRA_CA_CERTS too (what the launcher sets)', async () => {
    const r = await ctr(['images', 'pull', `${host}/test/tls:1`], { BERTH_EXTRA_CA_CERTS: ca });
    assert.equal(r.code, 0, r.stderr);
  });

  for (const tool of ['ctr', 'crictl']) {
    it(`${tool}'s launcher keeps Node from reading NODE_EXTRA_CA_CERTS at start`, async () => {
      // Node warns at start when the file cannot be read; through the launcher it never tries.
      const missing = join(work, 'no-such-ca.pem');
      const plain = spawnSync(process.execPath, ['-e', '0'], { env: { ...process.env, NODE_EXTRA_CA_CERTS: missing }, encoding: 'utf8' });
      // Node 20 reads the file at start (and warns); newer Nodes may read it only at the first TLS
      // use: then there is nothing to save, and the launcher must still not make Node warn.
      if (Number(process.versions.node.split('.')[0]) <= 20) assert.match(plain.stderr, /Ignoring extra certs/, 'node itself reads the variable at start');
      const r = await runBin(tool, ['version'], { env: { NODE_EXTRA_CA_CERTS: missing } });
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /extra certs/);
    });
  }
});
