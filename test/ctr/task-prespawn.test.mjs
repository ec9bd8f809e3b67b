// ctr run / tasks start spawn the task's shim before the CLI framework loads (core/src/tasks/
// prespawn.ts): the task runs under that shim, and a shim nobody takes exits by itself at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { assertNoLeaks, registerCleanup, tempDir } from '../lib/index.mjs';
import { setupTaskEnv, shimPid, skipWithoutRegistry as skip, sleep } from './task-lib.mjs';

describe('ctr prespawned shims', { skip }, () => {
  registerCleanup();
  let env;
  before(async () => { env = await setupTaskEnv(); });
  after(() => env?.stop());

  it('runs the task under the shim started ahead of the CLI', async () => {
    const id = env.newId();
    const d = await env.ctr(['run', '-d', '--null-io', env.ref, id, 'busybox', 'sleep', '1000'], { stdio: 'files' });
    assert.equal(d.code, 0, d.stderr);
    // It was handed the task on its fd 3.
    assert.match(readFileSync(`/proc/${shimPid(env.state, id)}/cmdline`, 'utf8'), /--prespawned/);
    assert.match((await env.ctr(['t', 'ls'])).stdout, new RegExp(`^${id} +\\d+ +RUNNING$`, 'm'));
    assert.equal((await env.ctr(['t', 'rm', '-f', id])).code, 0);
    assert.equal((await env.ctr(['c', 'rm', id])).code, 0);
    const r = await env.ctr(['run', '--rm', env.ref, id, 'sh', '-c', 'echo hi; exit 3']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'hi\n');
    assertNoLeaks(id);
  });

  it('leaves no shim behind when the command fails or only prints', async () => {
    // Found by their working directory: a prespawned shim keeps ctr's.
    const cwd = tempDir('prespawn-cwd');
    const cases = [
      ['run', '--help'], ['run', env.ref], ['run', '--rm', '-d', env.ref, env.newId()], ['run', 'no.such/image:1', env.newId(), 'true'],
      ['tasks', 'start', 'no-such-container'], ['t', 'start', '-d', 'no-such-container'],
    ];
    for (const args of cases) {
      const r = await env.ctr(args, { cwd });
      assert.equal(r.code === 0, args.includes('--help'), `${args.join(' ')}: ${r.stderr}`);
    }
    const inCwd = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try { return readlinkSync(`/proc/${p}/cwd`) === cwd; } catch { return false; }
    });
    for (let i = 0; i < 50 && inCwd().length > 0; i++) await sleep(100);
    assert.deepEqual(inCwd(), [], 'no prespawned shim is left');
  });
});
