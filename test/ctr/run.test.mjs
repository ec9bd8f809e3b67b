// ctr run end to end: exit codes, stdio kept apart, stdin, signals, a real pty, the container's
// view (env, mounts, user, limits), --rm leaving nothing behind, and the faults of issue 4.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoLeaks, binPath, childEnv, registerCleanup, tempDir, trackPid } from '../lib/index.mjs';
import { setupTaskEnv, shimPid, skipWithoutRegistry as skip, sleep } from './task-lib.mjs';

describe('ctr run', { skip }, () => {
  registerCleanup();
  let env;
  before(async () => { env = await setupTaskEnv(); });
  after(() => env?.stop());
  const taskDir = (id) => join(env.state, 'io.containerd.runtime.v2.task', 'default', id);

  it('propagates the exit code, keeps stdout and stderr apart, relays stdin, and --rm leaves nothing', async () => {
    const id = env.newId();
    const r = await env.ctr(['run', '--rm', env.ref, id, 'sh', '-c', 'read x; echo "out $x"; echo err >&2; exit 42'], { input: 'in\n' });
    assert.equal(r.code, 42, r.stderr);
    assert.equal(r.stdout, 'out in\n');
    assert.equal(r.stderr, 'err\n');
    assert.ok(!existsSync(taskDir(id)), 'task directory removed');
    assert.equal((await env.ctr(['c', 'ls', '-q'])).stdout.includes(id), false);
    assert.doesNotMatch((await env.ctr(['snapshots', 'ls'])).stdout, new RegExp(id));
    assertNoLeaks(id);
  });

  it('shows env, mounts, user, hostname and limits inside the container', async () => {
    const id = env.newId();
    // A source with a comma: --mount is one CSV record, as ctr reads it, so the field is quoted.
    const host = join(tempDir('bind'), 'a,b');
    mkdirSync(host);
    writeFileSync(join(host, 'f.txt'), 'from host\n');
    // A repeated flag: the last one counts, as in urfave/cli.
    const r = await env.ctr(['run', '--rm', '--env', 'A=b', '--mount', `type=bind,"src=${host}",dst=/h,options=rbind:ro`, '-u', '1000:1000', '--hostname', 'other', '--hostname', 'boxy',
      env.ref, id, 'sh', '-c', 'echo "$A $FROM_IMAGE"; busybox cat /h/f.txt; busybox id -u; busybox hostname; busybox touch /h/x 2>/dev/null || echo ro']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'b 1\nfrom host\n1000\nboxy\nro\n');
    // A bind without a source would mount the task's own directory: refused, as by ctr.
    const nosrc = await env.ctr(['run', '--rm', '--mount', 'type=bind,dst=/h', env.ref, env.newId(), 'true']);
    assert.equal(nosrc.code, 1);
    assert.match(nosrc.stderr, /^ctr: mount "type=bind,dst=\/h": a bind mount needs a source/);
    // The limit as the task's cgroup holds it.
    const id2 = env.newId();
    const d = await env.ctr(['run', '-d', '--memory-limit', String(64 << 20), env.ref, id2, 'busybox', 'sleep', '1000'], { stdio: 'files' });
    assert.equal(d.code, 0, d.stderr);
    const m = JSON.parse((await env.ctr(['t', 'metrics', '--format', 'json', id2])).stdout);
    assert.equal(m.memory.usage?.limit ?? m.memory.usage_limit, 64 << 20);
    assert.equal((await env.ctr(['t', 'rm', '-f', id2])).code, 0);
    assert.equal((await env.ctr(['c', 'rm', id2])).code, 0);
  });

  it('forwards signals to the container and exits with its status', async () => {
    const id = env.newId();
    const child = spawn(binPath('ctr'), ['--root', env.root, '--state', env.state, 'run', '--rm', env.ref, id, 'sh', '-c', 'trap "echo term; exit 9" TERM; echo ready; while true; do busybox sleep 0.1; done'],
      { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    trackPid(child.pid);
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    for (let i = 0; i < 100 && !out.includes('ready'); i++) await sleep(100);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 9);
    assert.equal(out, 'ready\nterm\n');
  });

  it('gives a working terminal with -t (through a real pty)', async () => {
    const id = env.newId();
    const cmd = `${binPath('ctr')} --root ${env.root} --state ${env.state} run --rm -t ${env.ref} ${id} sh -c 'busybox tty; busybox stty size; echo done'`;
    const r = spawnSync('script', ['-qfc', `stty rows 33 cols 101; ${cmd}`, '/dev/null'], { env: childEnv(), encoding: 'utf8', timeout: 60_000, input: '' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /\/dev\/pts\/\d+\r?\n/);
    assert.match(r.stdout, /33 101\r?\n/);
    assert.match(r.stdout, /done/);
  });

  it('writes to --log-uri, runs with --null-io, and reports a missing command', async () => {
    const id = env.newId();
    const log = join(tempDir('log'), 'c.log');
    const r = await env.ctr(['run', '--rm', '--log-uri', `file://${log}`, env.ref, id, 'sh', '-c', 'echo to-log; echo err-log >&2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(readFileSync(log, 'utf8'), 'to-log\nerr-log\n');

    const n = await env.ctr(['run', '--rm', '--null-io', env.ref, env.newId(), 'sh', '-c', 'echo hidden; exit 5']);
    assert.equal(n.code, 5);
    assert.equal(n.stdout, '');

    const id3 = env.newId();
    const bad = await env.ctr(['run', '--rm', env.ref, id3, 'nope']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /^ctr: .*exec: "nope": executable file not found in \$PATH\n$/);
    assert.ok(!existsSync(taskDir(id3)));
    assert.equal((await env.ctr(['c', 'ls', '-q'])).stdout.includes(id3), false);
    assertNoLeaks(id3);
  });

  it('keeps the task running under its shim when ctr is killed with SIGKILL', async () => {
    const id = env.newId();
    const child = spawn(binPath('ctr'), ['--root', env.root, '--state', env.state, 'run', env.ref, id, 'sh', '-c', 'echo up; while true; do busybox sleep 0.1; done'],
      { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    trackPid(child.pid);
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    for (let i = 0; i < 100 && !out.includes('up'); i++) await sleep(100);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    await sleep(300);
    assert.match((await env.ctr(['t', 'ls'])).stdout, new RegExp(`^${id} +\\d+ +RUNNING$`, 'm'));
    assert.ok(shimPid(env.state, id) > 0);
    const del = await env.ctr(['t', 'rm', '-f', id]);
    assert.equal(del.code, 0, del.stderr);
    assert.equal((await env.ctr(['c', 'rm', id])).code, 0);
    assertNoLeaks(id);
  });

  it('run --rm whose shim is killed: says so, and leaves no task and no container', async () => {
    const id = env.newId();
    const child = spawn(binPath('ctr'), ['--root', env.root, '--state', env.state, 'run', '--rm', env.ref, id, 'sh', '-c', 'echo up; exec busybox sleep 1000'],
      { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    trackPid(child.pid);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    for (let i = 0; i < 100 && !out.includes('up'); i++) await sleep(100);
    process.kill(shimPid(env.state, id), 'SIGKILL');
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 1);
    assert.match(err, /shim \(pid \d+\) died/);
    // As containerd, which cleans up after a dead shim, and ctr's deferred deletes.
    assert.doesNotMatch((await env.ctr(['t', 'ls', '-q'])).stdout, new RegExp(`^${id}$`, 'm'));
    assert.doesNotMatch((await env.ctr(['c', 'ls', '-q'])).stdout, new RegExp(`^${id}$`, 'm'));
    assertNoLeaks(id);
  });

  it('lets exactly one of two simultaneous runs of one id win', async () => {
    const id = env.newId();
    const [a, b] = await Promise.all([0, 1].map(() => env.ctr(['run', '-d', env.ref, id, 'busybox', 'sleep', '1000'], { stdio: 'files' })));
    assert.deepEqual([a.code, b.code].sort(), [0, 1], `${a.stderr} ${b.stderr}`);
    const loser = a.code === 1 ? a : b;
    assert.match(loser.stderr, /^ctr: .*already exists/);
    assert.match((await env.ctr(['t', 'ls'])).stdout, new RegExp(`^${id} +\\d+ +RUNNING$`, 'm'));
    assert.equal((await env.ctr(['t', 'rm', '-f', id])).code, 0);
    assert.equal((await env.ctr(['c', 'rm', id])).code, 0);
    assertNoLeaks(id);
  });
});
