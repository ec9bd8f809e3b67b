// Concurrent `ctr c create` of one id: exactly one wins, and the losers, whose snapshot prepare
// finds the key taken, must not remove the winner's snapshot on their way out.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { makeLayout, skipWithoutRegistry, skopeoPush, startRegistry } from './registry-lib.mjs';

const RACERS = 4;
const ROUNDS = 4;

describe('ctr containers create racing on one id', { skip: skipWithoutRegistry }, () => {
  registerCleanup();
  const work = tempDir('create-race-work');
  const root = tempDir('create-race-root');
  const state = tempDir('create-race-state');
  const ctr = (...args) => runBin('ctr', ['--root', root, '--state', state, ...args], { timeout: 180_000 });
  let registry;
  let ref;

  before(async () => {
    registry = await startRegistry(work);
    makeLayout(work, join(work, 'oci'), [{ 'bin/busybox': '/bin/busybox' }, { 'etc/hello.txt': Buffer.from('hello\n') }], { config: { Cmd: ['/bin/busybox', 'sh'] } });
    ref = `${registry.host}/test/race:1`;
    skopeoPush(join(work, 'oci'), '1', ref);
    const r = await ctr('images', 'pull', '--plain-http', ref);
    assert.equal(r.code, 0, r.stderr);
  });

  after(async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it(`${RACERS} creates of one id, ${ROUNDS} rounds: one wins, its snapshot survives, losers say the container exists`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const id = `race${round}`;
      const runs = await Promise.all(Array.from({ length: RACERS }, () => ctr('c', 'create', ref, id)));
      const won = runs.filter((r) => r.code === 0);
      assert.equal(won.length, 1, `round ${round}: exactly one create succeeds:\n${runs.map((r) => r.stderr).join('')}`);
      for (const r of runs.filter((x) => x.code !== 0)) {
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^ctr: [^\n]*already exists\n$/, `round ${round}: a loser fails on the taken id, in one line`);
      }
      // The winner's record points at a snapshot that is still there, active, with its directory.
      const info = JSON.parse((await ctr('c', 'info', id)).stdout);
      assert.equal(info.SnapshotKey, id);
      const ls = (await ctr('snapshots', 'ls')).stdout;
      assert.match(ls, new RegExp(`^${id} +sha256:[0-9a-f]{64} +Active *$`, 'm'), `round ${round}: the winner's snapshot survived:\n${ls}`);
      const mounts = await ctr('snapshots', 'mounts', '/mnt', id);
      assert.equal(mounts.code, 0, mounts.stderr);
      const upper = /upperdir=([^,\s]+)/.exec(mounts.stdout)?.[1];
      assert.ok(upper && existsSync(upper), `round ${round}: the snapshot's upper directory exists: ${mounts.stdout}`);
    }
    // Each round left one container and one active snapshot, nothing else.
    assert.equal((await ctr('c', 'ls', '-q')).stdout, Array.from({ length: ROUNDS }, (_, i) => `race${i}\n`).join(''));
    const active = (await ctr('snapshots', 'ls')).stdout.split('\n').filter((l) => / Active *$/.test(l));
    assert.equal(active.length, ROUNDS, active.join('\n'));
    const rm = await ctr('c', 'rm', ...Array.from({ length: ROUNDS }, (_, i) => `race${i}`));
    assert.equal(rm.code, 0, rm.stderr);
    assert.doesNotMatch((await ctr('snapshots', 'ls')).stdout, / Active *$/m);
  });
});
