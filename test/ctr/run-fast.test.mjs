// `ctr run`'s fast path (packages/ctr/src/run-fast.ts, dist/fast-run.bundle.js): its plain forms
// run without oclif; every answer must be the one oclif's path gives (BERTH_FAST=off forces it):
// the container's output and exit status, the container record it makes, and the errors of the
// forms it leaves to oclif.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertNoLeaks, registerCleanup } from '../lib/index.mjs';
import { setupTaskEnv, skipWithoutRegistry as skip } from './task-lib.mjs';

const OCLIF = { BERTH_FAST: 'off' };
const FAST_TRACE = /^berth-trace \S+ \d+ fast: run$/m;

describe('ctr run fast path', { skip }, () => {
  registerCleanup();
  let env;
  before(async () => { env = await setupTaskEnv(); });
  after(() => env?.stop());

  /** Runs `args` (with `{ID}` for a fresh id) both ways; returns both results, trace checked. */
  async function both(args, opts = {}) {
    const out = [];
    for (const extra of [{ BERTH_TRACE: '1' }, { ...OCLIF, BERTH_TRACE: '1' }]) {
      const id = env.newId();
      const r = await env.ctr(args.map((a) => (a === '{ID}' ? id : a)), { ...opts, env: { ...opts.env, ...extra } });
      const fast = FAST_TRACE.test(r.stderr);
      const stderr = r.stderr.split('\n').filter((l) => !l.startsWith('berth-trace ')).join('\n').replaceAll(id, '{ID}');
      out.push({ id, code: r.code, stdout: r.stdout.replaceAll(id, '{ID}'), stderr, fast });
    }
    return out;
  }

  it('runs a container in the foreground as oclif does: output apart, exit status, nothing left with --rm', async () => {
    const [f, o] = await both(['run', '--rm', env.ref, '{ID}', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(f.fast, true, 'served by the fast path');
    assert.equal(o.fast, false, 'BERTH_FAST=off goes through oclif');
    assert.deepEqual([f.code, f.stdout, f.stderr], [3, 'out\n', 'err\n']);
    assert.deepEqual([o.code, o.stdout, o.stderr], [f.code, f.stdout, f.stderr]);
    for (const id of [f.id, o.id]) {
      assert.equal((await env.ctr(['c', 'info', id])).code, 1, `${id} removed`);
      assertNoLeaks(id);
    }
    // `IMAGE ID -- COMMAND`: the `--` only separates; flags after the command line are its own.
    const [f2, o2] = await both(['run', '--rm', env.ref, '{ID}', '--', 'sh', '-c', 'echo "$0 $1"', '--timeout', '-n']);
    assert.equal(f2.fast, true);
    assert.deepEqual([f2.code, f2.stdout, f2.stderr], [0, '--timeout -n\n', '']);
    assert.deepEqual([o2.code, o2.stdout, o2.stderr], [f2.code, f2.stdout, f2.stderr]);
  });

  it('makes the same container and task as oclif for -d, --null-io, --snapshotter and globals before the command', async () => {
    const args = ['-n', 'default', 'run', '-d', '--null-io', '--snapshotter=overlayfs', env.ref, '{ID}', 'busybox', 'sleep', '1000'];
    const [f, o] = await both(args);
    assert.deepEqual([f.fast, o.fast, f.code, o.code, f.stderr, o.stderr], [true, false, 0, 0, '', '']);
    const info = async (id) => {
      const r = await env.ctr(['c', 'info', id]);
      assert.equal(r.code, 0, r.stderr);
      const c = JSON.parse(r.stdout);
      // What differs by nature: the id (and what is named after it) and the times.
      return JSON.parse(JSON.stringify(c).replaceAll(id, '{ID}').replace(/"(CreatedAt|UpdatedAt)":"[^"]*"/g, '"$1":""'));
    };
    assert.deepEqual(await info(f.id), await info(o.id));
    const ls = (await env.ctr(['t', 'ls'])).stdout;
    for (const id of [f.id, o.id]) assert.match(ls, new RegExp(`^${id} +\\d+ +RUNNING$`, 'm'));
    for (const id of [f.id, o.id]) {
      assert.equal((await env.ctr(['t', 'rm', '-f', id])).code, 0);
      assert.equal((await env.ctr(['c', 'rm', id])).code, 0);
    }
    for (const id of [f.id, o.id]) assertNoLeaks(id);
  });

  it('leaves every other form to oclif, with the same answers', async () => {
    const cases = [
      // Flags the fast path does not take: served by oclif, container output as usual.
      [['run', '--rm', '--env', 'A=1', env.ref, '{ID}', 'sh', '-c', 'echo $A'], 0],
      [['run', '--rm', '--rm', env.ref, '{ID}', 'true'], null],
      // Usage errors and refusals are oclif's.
      [['run', '--rm', '-d', env.ref, '{ID}'], 1],
      [['run', env.ref], 1],
      [['run', '-t', '--null-io', env.ref, '{ID}'], 1],
      [['-n', 'bad/ns', 'run', '--rm', env.ref, '{ID}', 'true'], 1],
      [['run', '--rm', '--log-uri', 'relative/path', env.ref, '{ID}', 'true'], 1],
    ];
    for (const [args, code] of cases) {
      const [f, o] = await both(args);
      const what = args.join(' ');
      assert.equal(f.fast, false, `${what}: not the fast path`);
      if (code !== null) assert.equal(f.code, code, `${what}: ${f.stderr}`);
      assert.deepEqual([f.code, f.stdout, f.stderr], [o.code, o.stdout, o.stderr], what);
    }
  });

  it('reports a failure after the parse as oclif does, and leaves nothing behind', async () => {
    for (const args of [['run', '--rm', 'no.such/image:1', '{ID}', 'true'], ['-n', 'elsewhere', 'run', '--rm', env.ref, '{ID}', 'true'], ['run', '--rm', env.ref, '{ID}', '/no/such/program']]) {
      const [f, o] = await both(args);
      const what = args.join(' ');
      assert.equal(f.fast, true, `${what}: the fast path took it`);
      assert.notEqual(f.code, 0, what);
      assert.match(f.stderr, /^ctr: /m, what);
      assert.deepEqual([f.code, f.stdout, f.stderr], [o.code, o.stdout, o.stderr], what);
      for (const id of [f.id, o.id]) assertNoLeaks(id);
    }
  });
});
