// ctr tasks on a task whose init has already exited: every operation that needs a live process
// refuses with one line naming the task and its status, records nothing, and `t rm` still works.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoLeaks, registerCleanup } from '../lib/index.mjs';
import { setupTaskEnv, skipWithoutRegistry as skip, sleep } from './task-lib.mjs';

describe('ctr tasks on a stopped task', { skip }, () => {
  registerCleanup();
  let env;
  before(async () => { env = await setupTaskEnv(); });
  after(() => env?.stop());

  /** One line on stderr, `ctr: ...`, naming the task; a non-zero exit. */
  const refuses = (r, id, re) => {
    assert.notEqual(r.code, 0, `expected a refusal, got: ${r.stdout}`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^ctr: /);
    assert.ok(lines[0].includes(id), lines[0]);
    assert.match(lines[0], re);
  };

  it('refuses kill, exec, pause, resume and metrics; ps is empty; rm leaves nothing', async () => {
    const id = env.newId();
    const run = await env.ctr(['run', '-d', env.ref, id, 'sh', '-c', 'exit 3'], { stdio: 'files' });
    assert.equal(run.code, 0, run.stderr);
    let ls = '';
    for (let i = 0; i < 100; i++) {
      ls = (await env.ctr(['t', 'ls'])).stdout;
      if (/STOPPED/.test(ls)) break;
      await sleep(100);
    }
    assert.match(ls, new RegExp(`^${id} +\\d+ +STOPPED$`, 'm'));

    refuses(await env.ctr(['t', 'kill', id]), id, /process already finished: not found/);
    // --all is runc's kill --all of an empty cgroup under containerd's shim: no error.
    const all = await env.ctr(['t', 'kill', '--all', id]);
    assert.equal(all.code, 0, all.stderr);
    refuses(await env.ctr(['t', 'exec', '--exec-id', 'x', id, 'true']), id, /stopped/);
    refuses(await env.ctr(['t', 'pause', id]), id, /stopped/);
    refuses(await env.ctr(['t', 'resume', id]), id, /stopped/);
    refuses(await env.ctr(['t', 'metrics', id]), id, /stopped/);
    const ps = await env.ctr(['t', 'ps', id]);
    assert.equal(ps.code, 0, ps.stderr);
    assert.match(ps.stdout, /^PID +INFO\n$/);
    // Nothing was recorded by the refusals: still stopped, no exec left behind.
    assert.match((await env.ctr(['t', 'ls'])).stdout, new RegExp(`^${id} +\\d+ +STOPPED$`, 'm'));
    assert.ok(!existsSync(join(env.state, 'io.containerd.runtime.v2.task', 'default', id, 'execs', 'x.pid')));

    const del = await env.ctr(['t', 'rm', id]);
    assert.equal(del.code, 0, del.stderr);
    assert.equal((await env.ctr(['t', 'ls', '-q'])).stdout, '');
    assert.ok(!existsSync(join(env.state, 'io.containerd.runtime.v2.task', 'default', id)));
    assert.equal((await env.ctr(['c', 'rm', id])).code, 0);
    assertNoLeaks(id);
  });
});
