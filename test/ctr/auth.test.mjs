// Registry authentication through ctr pull, push and content fetch, against real registries on
// 127.0.0.1: docker-registry with an htpasswd file (Basic) and with token auth (Bearer, from a
// token server run by registry-lib). Credentials from -u, from stdin, from docker's config.json
// (base64 `auth`) and from a docker-credential helper put on PATH here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { makeLayout, sha256, skipWithoutAuthTools as skip, skopeoAsync, startRegistry } from './registry-lib.mjs';

const USER = 'alice';
const PASS = 'wonder land';

// Async: the token server answers from this process, so nothing here may block it.
const skopeoDigest = async (ref, creds) => sha256(await skopeoAsync('inspect', '--raw', '--tls-verify=false', '--creds', creds, `docker://${ref}`));
const skopeoPushCreds = (ociDir, dest) => skopeoAsync('copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', `${USER}:${PASS}`, `oci:${ociDir}:1`, `docker://${dest}`);

describe('registry authentication', { skip }, () => {
  registerCleanup();
  const work = tempDir('auth-work');
  const root = tempDir('auth-root');
  const ctr = (args, opts = {}) => runBin('ctr', ['--root', root, ...args], { timeout: 120_000, ...opts });
  /** Nothing recorded in namespace `ns`: no image, no content ref. */
  const assertEmpty = async (ns) => {
    assert.equal((await ctr(['-n', ns, 'images', 'ls', '-q'])).stdout, '');
    assert.equal((await ctr(['-n', ns, 'content', 'ls', '-q'])).stdout, '');
  };
  let basic;
  let bearer;
  let image;

  before(async () => {
    mkdirSync(join(work, 'basic'), { recursive: true });
    mkdirSync(join(work, 'bearer'), { recursive: true });
    basic = await startRegistry(join(work, 'basic'), { htpasswd: { [USER]: PASS } });
    bearer = await startRegistry(join(work, 'bearer'), { token: { [USER]: PASS } });
    image = makeLayout(work, join(work, 'oci'), [{ 'bin/busybox': '/bin/busybox' }, { 'etc/auth.txt': Buffer.from('secret layer\n') }]);
    await skopeoPushCreds(join(work, 'oci'), `${basic.host}/priv/busybox:1`);
    await skopeoPushCreds(join(work, 'oci'), `${bearer.host}/priv/busybox:1`);
  });

  after(async () => {
    await basic?.stop();
    await bearer?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('bearer: --refresh gets tokens by the refresh-token grant for pull, content fetch and push', async () => {
    const ref = `${bearer.host}/priv/busybox:1`;
    const before = bearer.tokenRequests.length;
    for (const cmd of [['images', 'pull'], ['content', 'fetch'], ['images', 'pull', '--all-platforms']]) {
      const ns = `refresh-${cmd.join('-').replace(/-+/g, '-')}`;
      const r = await ctr(['-n', ns, ...cmd, '--plain-http', '--refresh', `rt-${USER}`, ref], { env: { DOCKER_CONFIG: join(work, 'no-docker-config') } });
      assert.equal(r.code, 0, `${cmd.join(' ')}: ${r.stderr} ${JSON.stringify(bearer.tokenRequests.slice(before))}`);
    }
    const r = await ctr(['-n', 'refresh-images-pull', 'images', 'push', '--plain-http', '--refresh', `rt-${USER}`, `${bearer.host}/priv/refreshed:1`, ref], { env: { DOCKER_CONFIG: join(work, 'no-docker-config') } });
    assert.equal(r.code, 0, r.stderr);
    const grants = bearer.tokenRequests.slice(before);
    assert.ok(grants.length > 0 && grants.every((g) => g.grant === 'refresh_token' && g.user === USER), JSON.stringify(grants));
    assert.equal(await skopeoDigest(`${bearer.host}/priv/refreshed:1`, `${USER}:${PASS}`), await skopeoDigest(ref, `${USER}:${PASS}`));
    // A refresh token the server does not know: one line, nothing recorded.
    const bad = await ctr(['-n', 'refresh-bad', 'images', 'pull', '--plain-http', '--refresh', 'rt-nobody', ref], { env: { DOCKER_CONFIG: join(work, 'no-docker-config') } });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^ctr: .*unauthorized/);
    await assertEmpty('refresh-bad');
  });

  for (const kind of ['basic', 'bearer']) {
    const reg = () => (kind === 'basic' ? basic : bearer);
    const ref = () => `${reg().host}/priv/busybox:1`;

    it(`${kind}: wrong credentials fail in one line naming the registry, nothing recorded`, async () => {
      const ns = `${kind}-wrong`;
      for (const cmd of [['images', 'pull'], ['content', 'fetch']]) {
        const r = await ctr(['-n', ns, ...cmd, '--plain-http', '-u', `${USER}:nope`, ref()]);
        assert.equal(r.code, 1, r.stdout);
        const lines = r.stderr.split('\n').filter(Boolean);
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0], new RegExp(`^ctr: .*${reg().host.replace(/\./g, '\\.')}.*unauthorized`));
      }
      await assertEmpty(ns);
    });

    it(`${kind}: no credentials fail in one line`, async () => {
      const r = await ctr(['-n', `${kind}-anon`, 'images', 'pull', '--plain-http', ref()], { env: { DOCKER_CONFIG: join(work, 'no-docker-config') } });
      assert.equal(r.code, 1);
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(reg().host.replace(/\./g, '\\.')));
      await assertEmpty(`${kind}-anon`);
    });

    it(`${kind}: -u user:password pulls; -u user reads the password from stdin; push is readable by skopeo`, async () => {
      const ns = `${kind}-ok`;
      const r = await ctr(['-n', ns, 'images', 'pull', '--plain-http', '-u', `${USER}:${PASS}`, ref()]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await ctr(['-n', ns, 'images', 'ls', '-q'])).stdout, `${ref()}\n`);
      const s = await ctr(['-n', `${kind}-stdin`, 'content', 'fetch', '--plain-http', '-u', USER, ref()], { input: `${PASS}\n` });
      assert.equal(s.code, 0, s.stderr);
      assert.equal((await ctr(['-n', `${kind}-stdin`, 'content', 'ls', '-q'])).stdout.trim().split('\n').length, 4);
      const dest = `${reg().host}/priv/pushed:v1`;
      const p = await ctr(['-n', ns, 'images', 'push', '--plain-http', '-u', `${USER}:${PASS}`, dest, ref()]);
      assert.equal(p.code, 0, p.stderr);
      assert.equal(await skopeoDigest(dest, `${USER}:${PASS}`), sha256(image.manifest));
      const denied = await ctr(['-n', ns, 'images', 'push', '--plain-http', '-u', `${USER}:nope`, `${reg().host}/priv/denied:v1`, ref()]);
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /^ctr: .*unauthorized.*\n$/);
      await assert.rejects(skopeoDigest(`${reg().host}/priv/denied:v1`, `${USER}:${PASS}`), /manifest unknown|not found|exit 1/i, 'nothing was pushed with wrong credentials');
      if (kind === 'bearer') {
        // The token server saw alice ask for push access to the new repository.
        assert.ok(reg().tokenRequests.some((q) => q.user === USER && q.scopes.join(' ').includes('repository:priv/pushed:pull,push')), JSON.stringify(reg().tokenRequests));
      }
    });
  }

  it('docker config.json: base64 auths entry, then a credential helper on PATH', async () => {
    const dc = join(work, 'docker');
    mkdirSync(dc, { recursive: true });
    const ref = `${basic.host}/priv/busybox:1`;
    writeFileSync(join(dc, 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth: Buffer.from(`${USER}:${PASS}`).toString('base64') } } }));
    const r = await ctr(['-n', 'cfg', 'images', 'pull', '--plain-http', ref], { env: { DOCKER_CONFIG: dc } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await ctr(['-n', 'cfg', 'images', 'ls', '-q'])).stdout, `${ref}\n`);

    // A wrong password in the file fails like a wrong -u.
    writeFileSync(join(dc, 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth: Buffer.from(`${USER}:bad`).toString('base64') } } }));
    const bad = await ctr(['-n', 'cfg-bad', 'images', 'pull', '--plain-http', ref], { env: { DOCKER_CONFIG: dc } });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unauthorized/);
    await assertEmpty('cfg-bad');

    // credHelpers → docker-credential-<name> get, the server on stdin, JSON on stdout.
    const bin = join(work, 'bin');
    mkdirSync(bin, { recursive: true });
    const calls = join(work, 'helper-calls');
    writeFileSync(join(bin, 'docker-credential-berthtest'), [
      '#!/bin/sh',
      `[ "$1" = get ] || exit 1`,
      'read -r server',
      `echo "$server" >> '${calls}'`,
      `printf '{"ServerURL":"%s","Username":"${USER}","Secret":"${PASS}"}\\n' "$server"`,
    ].join('\n') + '\n');
    chmodSync(join(bin, 'docker-credential-berthtest'), 0o755);
    writeFileSync(join(dc, 'config.json'), JSON.stringify({ credHelpers: { [bearer.host]: 'berthtest' } }));
    const bref = `${bearer.host}/priv/busybox:1`;
    const h = await ctr(['-n', 'helper', 'content', 'fetch', '--plain-http', bref], { env: { DOCKER_CONFIG: dc, PATH: `${bin}:${process.env.PATH}` } });
    assert.equal(h.code, 0, h.stderr);
    assert.equal((await ctr(['-n', 'helper', 'images', 'ls', '-q'])).stdout, `${bref}\n`);
    assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n').filter((l, i, a) => a.indexOf(l) === i), [bearer.host]);
  });
});
