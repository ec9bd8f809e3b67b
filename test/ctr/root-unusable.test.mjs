// A --root that cannot be created (under /proc, or beneath a regular file) is refused in one
// line naming it, at once; Node's recursive mkdir used to retry /proc's ENOENT forever.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';

describe('ctr with a --root it cannot create', () => {
  registerCleanup();
  const state = tempDir('root-unusable-state');
  const ctr = (root, ...args) => runBin('ctr', ['--root', root, '--state', state, ...args], { timeout: 30_000 });

  const refused = (r, root, code) => {
    assert.equal(r.timedOut, false, 'ctr hung');
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.stderr, `ctr: root ${root}: cannot create directory ${root}: ${code}: choose another root directory\n`);
  };

  it('refuses a root under /proc for each metadata-backed list', async () => {
    for (const args of [['c', 'ls'], ['i', 'ls'], ['namespaces', 'ls'], ['content', 'ls']]) {
      refused(await ctr('/proc/berth-no-such-root', ...args), '/proc/berth-no-such-root', 'no such file or directory');
    }
    assert.ok(!existsSync('/proc/berth-no-such-root'));
  });

  it('refuses it before the snapshotters, the content store or a registry are reached', async () => {
    const root = '/proc/berth-no-such-root';
    for (const args of [['snapshots', 'ls'], ['snapshots', 'ls', '--snapshotter', 'native'], ['content', 'ls']]) {
      refused(await ctr(root, ...args), root, 'no such file or directory');
    }
    // Nothing listens on port 1: failing on the root or on the registry are both one line, at once.
    const pull = await ctr(root, 'images', 'pull', '--plain-http', '127.0.0.1:1/berth/none:1');
    assert.equal(pull.timedOut, false, 'ctr images pull hung');
    assert.equal(pull.code, 1, pull.stdout);
    assert.equal(pull.stderr.split('\n').filter(Boolean).length, 1, pull.stderr);
    assert.match(pull.stderr, /^ctr: (root \/proc\/berth-no-such-root: cannot create directory|.*127\.0\.0\.1:1)/);
    assert.ok(!existsSync(root));
  });

  it('refuses a root beneath a regular file, and still makes a deep new root 0700', async () => {
    const base = tempDir('root-unusable');
    writeFileSync(join(base, 'file'), 'x');
    refused(await ctr(join(base, 'file', 'root'), 'c', 'ls'), join(base, 'file', 'root'), 'not a directory');
    const deep = join(base, 'a', 'b');
    const ok = await ctr(deep, 'c', 'ls');
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(statSync(join(deep, 'io.containerd.metadata.v1')).mode & 0o777, 0o700);
  });
});
