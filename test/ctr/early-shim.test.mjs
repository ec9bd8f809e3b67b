// ctr's launcher starts the task's shim of `run` and `tasks start` before the CLI's own Node
// (packages/ctr/bin/early-shim.sh, core/src/tasks/shim/early.ts). The CLI takes its socket with
// pidfd_getfd when it hands the task over, or kills it when the command line was only a
// look-alike or failed first. What is checked: it is used, the task behaves as with a spawned
// shim (output, exit status, a detached task outliving the CLI), and no unclaimed shim stays.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerCleanup } from '../lib/index.mjs';
import { earlyLeftovers, traced } from '../lib/early.mjs';
import { setupTaskEnv, shimPid, skipWithoutRegistry as skip } from './task-lib.mjs';

const TRACE = { BERTH_TRACE: '1' };

describe('ctr early shim', { skip }, () => {
  registerCleanup();
  let env;
  before(async () => { env = await setupTaskEnv(); });
  after(() => env?.stop());

  it('run --rm takes the shim its launcher started: output, exit status, nothing left', async () => {
    const id = env.newId();
    const r = await env.ctr(['run', '--rm', env.ref, id, 'sh', '-c', 'echo out; echo err >&2; exit 3'], { env: TRACE });
    const t = traced(r.stderr);
    assert.ok(t.says('early shim: claimed'), `the early shim was not used:\n${r.stderr}`);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'out\n');
    assert.match(r.stderr, /^err$/m);
    assert.deepEqual(earlyLeftovers(t.cli), []);
    assert.equal((await env.ctr(['c', 'info', id])).code, 1, 'removed');
  });

  it('run -d: the early shim holds the task after the CLI has gone', async () => {
    const id = env.newId();
    const r = await env.ctr(['run', '-d', env.ref, id, 'busybox', 'sleep', '1000'], { env: TRACE, stdio: 'files' });
    assert.equal(r.code, 0, r.stderr);
    const ls = await env.ctr(['t', 'ls']);
    assert.match(ls.stdout, new RegExp(`^${id}\\s+\\d+\\s+RUNNING$`, 'm'));
    const shim = shimPid(env.state, id);
    assert.notEqual(shim, r.pid);
    assert.equal((await env.ctr(['t', 'kill', '-s', '9', id])).code, 0);
    const del = await env.ctr(['t', 'rm', '-f', id]);
    assert.equal(del.code, 0, del.stderr);
  });

  it('a command line that only looks like one (a container named start) kills the early shim', async () => {
    const r = await env.ctr(['c', 'info', 'start'], { env: TRACE });
    assert.equal(r.code, 1);
    const t = traced(r.stderr);
    assert.ok(t.says('early shim: discarded'), r.stderr);
    assert.deepEqual(earlyLeftovers(t.cli), []);
  });

  it('a run that fails before its task (an image that is not there) leaves no shim behind', async () => {
    const r = await env.ctr(['run', 'no.such.registry.invalid/none:1', env.newId(), 'true'], { env: TRACE });
    assert.notEqual(r.code, 0);
    const t = traced(r.stderr);
    assert.ok(t.says('early shim: discarded'), r.stderr);
    assert.deepEqual(earlyLeftovers(t.cli), []);
  });
});
