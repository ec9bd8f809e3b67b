// The fast paths of ctr's task commands. run / tasks start spawn the task's shim before the CLI
// framework loads (core/src/tasks/prespawn.ts): the task runs under that shim, and a shim nobody
// takes exits by itself at once. A plain `tasks ls` is served without oclif
// (packages/ctr/src/commands/tasks/list-text.ts): the same output as through oclif.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../lib/repo.mjs';
import { assertNoLeaks, registerCleanup, tempDir } from '../lib/index.mjs';
import { setupTaskEnv, shimPid, skipWithoutRegistry as skip, sleep } from './task-lib.mjs';

describe('ctr task fast paths', { skip }, () => {
  registerCleanup();
  let env;
  before(async () => { env = await setupTaskEnv(); });
  after(() => env?.stop());

  it('runs the task under the shim started ahead of the CLI', async () => {
    const id = env.newId();
    const d = await env.ctr(['run', '-d', '--null-io', env.ref, id, 'busybox', 'sleep', '1000'], { stdio: 'files' });
    assert.equal(d.code, 0, d.stderr);
    // A plain run -d: the shim served it itself (early-shim.test.mjs has the rest).
    assert.match(readFileSync(`/proc/${shimPid(env.state, id)}/cmdline`, 'utf8'), /--serve-run/);
    // It does not keep ctr's working directory (a mount the user may want to unmount): the task's.
    assert.equal(readlinkSync(`/proc/${shimPid(env.state, id)}/cwd`), join(env.state, 'io.containerd.runtime.v2.task', 'default', id));
    assert.match((await env.ctr(['t', 'ls'])).stdout, new RegExp(`^${id} +\\d+ +RUNNING$`, 'm'));
    assert.equal((await env.ctr(['t', 'rm', '-f', id])).code, 0);
    assert.equal((await env.ctr(['c', 'rm', id])).code, 0);
    // Another form: the CLI's, handing the task to the shim its launcher started (on its fd 3).
    const label = await env.ctr(['run', '-d', '--null-io', '--label', 'a=b', env.ref, id, 'busybox', 'sleep', '1000'], { stdio: 'files' });
    assert.equal(label.code, 0, label.stderr);
    assert.match(readFileSync(`/proc/${shimPid(env.state, id)}/cmdline`, 'utf8'), /--prespawned/);
    assert.equal(readlinkSync(`/proc/${shimPid(env.state, id)}/cwd`), join(env.state, 'io.containerd.runtime.v2.task', 'default', id));
    assert.equal((await env.ctr(['t', 'rm', '-f', id])).code, 0);
    assert.equal((await env.ctr(['c', 'rm', id])).code, 0);
    const r = await env.ctr(['run', '--rm', env.ref, id, 'sh', '-c', 'echo hi; exit 3']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'hi\n');
    assertNoLeaks(id);
  });

  it('the first shim after a build writes the code cache of its create path, which later shims load', async () => {
    // The build's cache holds the shim bundle's top level only (core/src/tasks/shim/entry.ts).
    const dist = join(REPO_ROOT, 'packages', 'core', 'dist');
    assert.ok(existsSync(join(dist, 'shim.bundle.js')), 'the build made the shim bundle');
    // Named after the bundle file (its mtime and size), so that no other build's shim can write it.
    const st = statSync(join(dist, 'shim.bundle.js'));
    const trained = join(dist, `shim.bundle.${process.version}.${Math.trunc(st.mtimeMs)}-${st.size}.run.cache`);
    rmSync(trained, { force: true });
    const id = env.newId();
    const r = await env.ctr(['run', '--rm', env.ref, id, 'sh', '-c', 'exit 4']);
    assert.equal(r.code, 4, r.stderr);
    for (let i = 0; i < 50 && !existsSync(trained); i++) await sleep(100);
    const size = statSync(trained).size;
    // More than the top level the build's cache holds (~32 KiB; the build makes it for its own Node only).
    assert.ok(size > 100_000, `trained cache of ${size} bytes`);
    // Loaded, not rewritten, by the next shim; which runs its container as well.
    const again = await env.ctr(['run', '--rm', env.ref, id, 'sh', '-c', 'echo ok']);
    assert.equal(again.stdout, 'ok\n', again.stderr);
    assert.equal(statSync(trained).size, size);
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

  it('lists tasks without oclif exactly as through it', async () => {
    const ids = [env.newId(), env.newId()];
    for (const id of ids) assert.equal((await env.ctr(['run', '-d', '--null-io', env.ref, id, 'busybox', 'sleep', '1000'], { stdio: 'files' })).code, 0);
    // --format table takes oclif's path; the plain forms the fast one.
    const viaOclif = await env.ctr(['t', 'ls', '--format', 'table']);
    assert.equal(viaOclif.code, 0, viaOclif.stderr);
    for (const id of ids) assert.match(viaOclif.stdout, new RegExp(`^${id} +\\d+ +RUNNING$`, 'm'));
    for (const args of [['t', 'ls'], ['tasks', 'list'], ['task', 'ls', '--debug'], ['-n', 'default', 'tasks', 'ls'], ['t', 'ls', '--namespace=default']]) {
      const r = await env.ctr(args);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, viaOclif.stdout, ''], args.join(' '));
      // Served by dist/fast.bundle.js (launch.js), not by the CLI bundle.
      const traced = await env.ctr(args, { env: { BERTH_TRACE: '1' } });
      assert.match(traced.stderr, /^berth-trace \S+ \d+ fast: tasks ls$/m, args.join(' '));
    }
    const q = await env.ctr(['t', 'ls', '-q']);
    assert.deepEqual(q.stdout.split('\n').filter(Boolean), viaOclif.stdout.split('\n').slice(1).filter(Boolean).map((l) => l.split(/ +/)[0]));
    const other = await env.ctr(['-n', 'elsewhere', 't', 'ls']);
    assert.deepEqual([other.code, other.stdout], [0, 'TASK    PID    STATUS    \n']);
    const env2 = await env.ctr(['t', 'ls', '-q'], { env: { CONTAINERD_NAMESPACE: 'elsewhere' } });
    assert.deepEqual([env2.code, env2.stdout], [0, '']);
    // What the fast path does not take still gets oclif's answer.
    for (const args of [['-n', 'bad/ns', 't', 'ls'], ['t', 'ls', '--namespace=-x']]) {
      const r = await env.ctr(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, /^ctr: .*namespace/, args.join(' '));
    }
    const bad = await env.ctr(['t', 'ls', '--bogus']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^ctr: .*bogus/);
    for (const id of ids) assert.equal((await env.ctr(['t', 'rm', '-f', id])).code, 0);
  });
});
