// crictl pull --creds/--auth against a registry that asks for Basic credentials (docker-registry
// with an htpasswd file on 127.0.0.1): right ones pull, wrong or missing ones are refused in
// crictl's one fatal line and leave no image.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { makeLayout, sha256, skipWithoutAuthTools as skip, skopeoPush, startRegistry } from '../ctr/registry-lib.mjs';

describe('crictl pull with credentials', { skip }, () => {
  registerCleanup();
  const work = tempDir('crictl-auth');
  const root = join(work, 'root');
  const env = { CRI_CONFIG_FILE: null, CONTAINER_RUNTIME_ENDPOINT: null, IMAGE_SERVICE_ENDPOINT: null, CRICTL_CREDS: null, CRICTL_AUTH: null };
  const crictl = (...args) => runBin('crictl', [...args, '--berth-root', root], { timeout: 120_000, env });
  let registry;
  let ref;
  let id;

  before(async () => {
    registry = await startRegistry(work, { htpasswd: { alice: 's3cret' } });
    const image = makeLayout(work, join(work, 'oci'), [{ 'bin/busybox': '/bin/busybox' }], { config: { Cmd: ['/bin/busybox', 'sh'] } });
    id = sha256(image.config);
    ref = `${registry.host}/private/busybox:1`;
    skopeoPush(join(work, 'oci'), '1', ref, false, 'alice:s3cret');
  });

  after(async () => {
    await registry?.stop();
  });

  it('no or wrong credentials: refused, nothing pulled', async () => {
    const cases = [
      [[], 'requires credentials \\(Basic authentication\\) and none were given'],
      [['--creds', 'alice:wrong'], 'authentication to [\\d.:]+ failed for [\\d.:]+/private/busybox: unauthorized'],
      [['--auth', Buffer.from('bob:s3cret').toString('base64')], 'authentication to [\\d.:]+ failed for [\\d.:]+/private/busybox: unauthorized'],
    ];
    for (const [creds, why] of cases) {
      const r = await crictl('pull', ...creds, ref);
      assert.equal(r.code, 1, creds.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`level=fatal msg="pulling image: rpc error: code = Unauthenticated desc = failed to pull and unpack image .*private/busybox:1.*[: ]${why}"$`, 'm'));
    }
    assert.equal((await crictl('images', '-q')).stdout, '');
  });

  it('--creds user:password and --auth base64 pull the image', async () => {
    const a = await crictl('pull', '--creds', 'alice:s3cret', ref);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, `Image is up to date for ${id}\n`);
    assert.equal((await crictl('rmi', ref)).code, 0);
    const b = await crictl('pull', '--auth', Buffer.from('alice:s3cret').toString('base64'), ref);
    assert.equal(b.code, 0, b.stderr);
    assert.equal((await crictl('images', '-q')).stdout, `${id}\n`);
    // CRICTL_CREDS is --creds.
    assert.equal((await crictl('rmi', ref)).code, 0);
    const c = await runBin('crictl', ['pull', ref, '--berth-root', root], { timeout: 120_000, env: { ...env, CRICTL_CREDS: 'alice:s3cret' } });
    assert.equal(c.code, 0, c.stderr);
  });
});
