// ctr's launcher starts the task's shim of `run` and `tasks start` before the CLI's own Node
// (packages/ctr/bin/early-shim.sh, core/src/tasks/shim/early.ts). The CLI takes its socket with
// pidfd_getfd when it hands the task over, or kills it when the command line was only a
// look-alike or failed first. A plain `run -d` is served by its shim alone, with no CLI process
// (core/src/tasks/shim/serve-run.ts). What is checked: it is used, the task behaves as with a spawned
// shim (output, exit status, a detached task outliving the CLI), and no unclaimed shim stays.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertNoLeaks, binPath, registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { earlyLeftovers, traced } from '../lib/early.mjs';
import { setupTaskEnv, shimPid, skipWithoutRegistry as skip } from './task-lib.mjs';

const TRACE = { BERTH_TRACE: '1' };
const untraced = (stderr) => stderr.split('\n').filter((l) => !l.startsWith('berth-trace ')).join('\n');

/** Shims started for a served `run -d` of container `id` still there after a grace for their exit. */
async function servedLeftovers(id) {
  for (let i = 0; i < 30 && servedShims(id).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return servedShims(id);
}

function servedShims(id) {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, 'latin1').split('\0');
      return argv.includes('--serve-run') && argv.includes(id);
    } catch {
      return false;
    }
  });
}

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

  it('run -d is served by the task\'s own shim: no CLI process, the shim holds the task and no database', async () => {
    const id = env.newId();
    const r = await env.ctr(['run', '-d', '--null-io', env.ref, id, 'busybox', 'sleep', '1000'], { env: TRACE });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(untraced(r.stderr), '');
    const t = traced(r.stderr);
    assert.ok(t.says('serve: run'), `not served by its shim:\n${r.stderr}`);
    assert.ok(!t.says('launch: '), 'no CLI process started');
    const shim = shimPid(env.state, id);
    // Served, and its command line no longer holds the container's (a `pkill -f` of it spares the shim).
    const cmdline = readFileSync(`/proc/${shim}/cmdline`, 'latin1');
    assert.match(cmdline, /--serve-run/);
    assert.doesNotMatch(cmdline, /sleep|1000/);
    assert.match((await env.ctr(['t', 'ls'])).stdout, new RegExp(`^${id}\\s+\\d+\\s+RUNNING$`, 'm'));
    // The CLI's leftovers are not the shim's: its stdio is /dev/null and its log, no metadata file is open.
    const fds = readdirSync(`/proc/${shim}/fd`).map((fd) => { try { return readlinkSync(`/proc/${shim}/fd/${fd}`); } catch { return ''; } });
    assert.deepEqual(fds.filter((f) => f.includes('metadata')), []);
    assert.deepEqual([0, 1].map((fd) => readlinkSync(`/proc/${shim}/fd/${fd}`)), ['/dev/null', '/dev/null']);
    assert.equal((await env.ctr(['t', 'kill', '-s', '9', id])).code, 0);
    assert.equal((await env.ctr(['t', 'rm', '-f', id])).code, 0);
    assert.equal((await env.ctr(['c', 'rm', id])).code, 0);
    assert.deepEqual(await servedLeftovers(id), []);
  });

  it('a served run -d with a relative --state and a lock on fd 9: the task runs, the lock is not held', async () => {
    const id = env.newId();
    const dir = tempDir('serve-rel');
    const lock = join(dir, 'lock');
    // As `cd DIR; exec 9>lock; ctr --state state run -d …` would: the shim works from the task's directory.
    const r = await runBin('/bin/sh', ['-c', `exec 9>${lock}; exec "$0" "$@"`, binPath('ctr'), '--root', env.root, '--state', 'state', 'run', '-d', '--null-io', env.ref, id, 'busybox', 'sleep', '1000'], { cwd: dir, env: TRACE, timeout: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(traced(r.stderr).says('serve: run'), r.stderr);
    const state = join(dir, 'state');
    const shim = shimPid(state, id);
    const held = readdirSync(`/proc/${shim}/fd`).filter((fd) => { try { return readlinkSync(`/proc/${shim}/fd/${fd}`) === lock; } catch { return false; } });
    assert.deepEqual(held, [], 'the caller\'s fd 9 is not the shim\'s');
    const local = (args) => runBin('ctr', ['--root', env.root, '--state', state, ...args], { timeout: 60_000 });
    assert.match((await local(['t', 'ls'])).stdout, new RegExp(`^${id}\\s+\\d+\\s+RUNNING$`, 'm'));
    assert.equal((await local(['t', 'rm', '-f', id])).code, 0);
    assert.equal((await local(['c', 'rm', id])).code, 0);
    assertNoLeaks(id);
  });

  it('a served run -d that fails: ctr\'s error and status, nothing left; one it does not serve goes to the CLI', async () => {
    const missing = env.newId();
    const r = await env.ctr(['run', '-d', 'no.such.registry.invalid/none:1', missing, 'true'], { env: TRACE });
    assert.equal(r.code, 1);
    assert.equal(untraced(r.stderr), 'ctr: image "no.such.registry.invalid/none:1": not found\n');
    assert.ok(traced(r.stderr).says('serve: run'), r.stderr);
    assert.deepEqual(await servedLeftovers(missing), []);
    assert.equal((await env.ctr(['c', 'info', missing])).code, 1, 'no container record');
    // A duplicate id: refused, and the running task untouched.
    const id = env.newId();
    assert.equal((await env.ctr(['run', '-d', '--null-io', env.ref, id, 'busybox', 'sleep', '1000'])).code, 0);
    const dup = await env.ctr(['run', '-d', '--null-io', env.ref, id, 'true']);
    assert.deepEqual([dup.code, dup.stderr], [1, `ctr: container "${id}" in namespace "default": already exists\n`]);
    assert.match((await env.ctr(['t', 'ls'])).stdout, new RegExp(`^${id}\\s+\\d+\\s+RUNNING$`, 'm'));
    assert.equal((await env.ctr(['t', 'rm', '-f', id])).code, 0);
    assert.equal((await env.ctr(['c', 'rm', id])).code, 0);
    // Another flag: the shim answers "cli" and goes; the CLI runs it (with an early shim of its own).
    const other = env.newId();
    const o = await env.ctr(['run', '-d', '--null-io', '--env', 'A=1', env.ref, other, 'busybox', 'sleep', '1000'], { env: TRACE });
    assert.equal(o.code, 0, o.stderr);
    const ot = traced(o.stderr);
    assert.ok(ot.says('launch: ') && !ot.says('serve: run'), o.stderr);
    assert.match(readFileSync(`/proc/${shimPid(env.state, other)}/cmdline`, 'latin1'), /\0--prespawned\0/);
    assert.equal((await env.ctr(['t', 'rm', '-f', other])).code, 0);
    assert.equal((await env.ctr(['c', 'rm', other])).code, 0);
    assert.deepEqual(await servedLeftovers(other), []);
    // A -d of the container's own: a foreground run, the CLI's.
    const fg = await env.ctr(['run', '--rm', env.ref, env.newId(), 'busybox', 'ls', '-d', '/etc'], { env: TRACE });
    assert.deepEqual([fg.code, fg.stdout], [0, '/etc\n'], fg.stderr);
    assert.ok(!traced(fg.stderr).says('serve: run'));
  });

  it('a shim killed while it serves a run -d: a failure in one line, and what it made is removed as usual', async () => {
    const id = env.newId();
    const traceFile = join(tempDir('serve-kill'), 'trace');
    const run = env.ctr(['run', '-d', '--null-io', env.ref, id, 'busybox', 'sleep', '1000'], { env: { BERTH_TRACE: '1', BERTH_TRACE_FILE: traceFile } });
    // Stopped as soon as it says it serves (the run takes it ~100 ms more), then killed.
    let shim;
    for (let i = 0; i < 5000 && shim === undefined; i++) {
      const m = existsSync(traceFile) ? / (\d+) serve: run$/m.exec(readFileSync(traceFile, 'utf8')) : null;
      if (m) shim = Number(m[1]);
      else await new Promise((r) => setTimeout(r, 1));
    }
    assert.ok(shim, 'the served run never started');
    process.kill(shim, 'SIGSTOP');
    process.kill(shim, 'SIGKILL');
    const r = await run;
    assert.deepEqual([r.code, r.stderr], [1, 'ctr: the shim serving this run exited before the task was started\n']);
    // Whatever it had made (a container record, a task directory, a parked init) goes with rm -f.
    await env.ctr(['t', 'rm', '-f', id]);
    await env.ctr(['c', 'rm', id]);
    assert.equal((await env.ctr(['c', 'info', id])).code, 1);
    assert.doesNotMatch((await env.ctr(['t', 'ls'])).stdout, new RegExp(id));
    assertNoLeaks(id);
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
