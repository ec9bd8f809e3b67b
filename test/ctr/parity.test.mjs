// ctr behaviours a review against containerd's ctr found apart (session 8): a foreground run or
// start deletes its finished task, a detached exec does not hold ctr's stdio, exec -u drops the
// container's extra groups, --env-file never reaches Node's own option parser, kill without -s
// sends the image's stop signal, a bare --label is "true", a missing --exec-id and a malformed
// filter are named in ctr's words.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { REPO_ROOT, assertNoLeaks, childEnv, registerCleanup, runBin, tempDir, trackContainer, uniqueId } from '../lib/index.mjs';
import { DEMO_IMAGE } from '../../scripts/demo-image.mjs';
import { importDemoImage } from './task-lib.mjs';

describe('ctr parity', { skip: process.getuid() !== 0 && 'needs root' }, () => {
  registerCleanup();
  const root = tempDir('ctr-parity-root');
  const state = tempDir('ctr-parity-state');
  const ctr = (args, opts = {}) => runBin('ctr', ['--root', root, '--state', state, ...args], { timeout: 60_000, ...opts });
  const newId = () => {
    const id = uniqueId();
    trackContainer({ tool: 'ctr', root, id, deleteArgs: ['--state', state, 'containers', 'rm', id] });
    trackContainer({ tool: 'ctr', root, id, deleteArgs: ['--state', state, 'tasks', 'rm', '-f', id] });
    return id;
  };
  const taskLine = async (id) => (await ctr(['t', 'ls'])).stdout.split('\n').find((l) => l.startsWith(`${id} `));

  before(() => importDemoImage(ctr));

  it('a foreground run (without --rm) and a foreground tasks start delete the finished task', async () => {
    const id = newId();
    const r = await ctr(['run', DEMO_IMAGE, id, 'sh', '-c', 'echo ran; exit 3']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(await taskLine(id), undefined, 'no task left');
    const again = await ctr(['t', 'start', id]);
    assert.equal(again.code, 3, again.stderr);
    assert.equal(again.stdout, 'ran\n');
    assert.equal(await taskLine(id), undefined);
    assert.equal((await ctr(['c', 'rm', id])).code, 0);
  });

  it('exec -d leaves ctr\'s stdio alone; exec -u keeps only the user\'s own group; kill without -s sends the stop signal, -s 0 is refused', async () => {
    const id = newId();
    assert.equal((await ctr(['run', '-d', '--null-io', '--label', 'bare', DEMO_IMAGE, id, 'sleep', '1000'])).code, 0);
    // A bare label is "true", as ctr's LabelArgs makes it.
    assert.equal(JSON.parse((await ctr(['c', 'info', id])).stdout).Labels.bare, 'true');
    // ctr returns at once and its stdout closes, though the process sleeps and writes later.
    const t0 = Date.now();
    const child = spawn(join(REPO_ROOT, 'bin', 'ctr'), ['--root', root, '--state', state, 't', 'exec', '-d', '--exec-id', 'late', id, 'sh', '-c', 'sleep 5; echo late'], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    await new Promise((resolve) => child.stdout.on('close', resolve));
    assert.ok(Date.now() - t0 < 4000, `stdout held ${Date.now() - t0} ms`);
    assert.equal(out, '');
    const groups = await ctr(['t', 'exec', '--exec-id', 'g', '-u', '1000:1000', id, 'grep', '^Groups:', '/proc/self/status']);
    assert.equal(groups.code, 0, groups.stderr);
    assert.match(groups.stdout, /^Groups:\s*$/m, 'no supplementary group (root\'s 0 dropped)');
    // Metrics JSON prints uint64 figures exactly (an unlimited memory limit is near 2^63), not
    // rounded by JavaScript's doubles (9223372036854772000).
    const metrics = await ctr(['t', 'metrics', '--format', 'json', id]);
    assert.equal(metrics.code, 0, metrics.stderr);
    assert.doesNotMatch(metrics.stdout, /\d{16,}000\b/, metrics.stdout);
    // Signal 0 and unknown names are refused in ctr's words (moby's ParseSignal), the task untouched.
    for (const s of ['0', 'SIGZERO']) {
      const bad = await ctr(['t', 'kill', '-s', s, id]);
      assert.deepEqual([bad.code, bad.stderr], [1, `ctr: invalid signal: ${s}\n`]);
    }
    assert.match((await ctr(['t', 'ls'])).stdout, new RegExp(`^${id}\\s+\\d+\\s+RUNNING`, 'm'));
    assert.equal((await ctr(['c', 'label', id, 'io.containerd.image.config.stop-signal=SIGKILL'])).code, 0);
    assert.equal((await ctr(['t', 'kill', id])).code, 0);
    const w = await ctr(['t', 'wait', id]);
    assert.match(w.stdout + w.stderr, /137/, 'the label\'s SIGKILL (as pid 1, sleep ignores a SIGTERM)');
    assert.equal((await ctr(['t', 'rm', id])).code, 0);
    assert.equal((await ctr(['c', 'rm', id])).code, 0);
    assertNoLeaks();
  });

  it('--env-file: a missing file is ctr\'s error, a container\'s own --env-file argument goes through', async () => {
    const r = await ctr(['run', '--rm', '--env-file', '/nonexistent/berth-env', DEMO_IMAGE, newId(), 'true']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ctr: .*\/nonexistent\/berth-env/);
    const envFile = join(tempDir('env'), 'env');
    writeFileSync(envFile, 'FROM_FILE=yes\n');
    const ok = await ctr(['run', '--rm', '--env-file', envFile, DEMO_IMAGE, newId(), 'sh', '-c', 'echo $FROM_FILE; echo "$@"', 'sh', '--env-file', '/nonexistent']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'yes\n--env-file /nonexistent\n');
  });

  it('a runtime other than berth\'s own fails the task\'s start (as containerd without that shim); --rm removes the container', async () => {
    const id = newId();
    const r = await ctr(['run', '--rm', '--runtime', 'io.containerd.nosuch.v1', DEMO_IMAGE, id, 'true']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /runtime "io\.containerd\.nosuch\.v1" is not available/);
    assert.equal((await ctr(['c', 'ls', '-q'])).stdout.includes(id), false);
    assertNoLeaks();
  });

  it('a missing --exec-id and a malformed filter in ctr\'s words', async () => {
    const e = await ctr(['t', 'exec', 'whatever', 'true']);
    assert.equal(e.code, 1);
    assert.equal(e.stderr, 'ctr: Required flag "exec-id" not set\n');
    const f = await ctr(['c', 'ls', 'bad filter']);
    assert.equal(f.code, 1);
    assert.match(f.stderr, /^ctr: filters: parse error: \[bad filter\]: expected an operator/);
  });

  // Session 9's fault review.
  it('a task id that is no identifier names no task: "" and .. touch nothing (they wiped every task\'s state)', async () => {
    const id = newId();
    assert.equal((await ctr(['run', '-d', '--null-io', DEMO_IMAGE, id, 'sleep', '1000'])).code, 0);
    for (const bad of ['', '..', '../..', 'a/b']) {
      for (const args of [['t', 'rm', bad], ['t', 'rm', '-f', bad], ['t', 'kill', bad], ['t', 'ps', bad], ['t', 'pause', bad]]) {
        const r = await ctr(args);
        assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.stderr, `ctr: container "${bad}" in namespace "default": not found\n`, args.join(' '));
      }
    }
    assert.match(await taskLine(id), / RUNNING$/, 'the running task is untouched');
    assert.equal((await runBin('runc', ['--root', join(state, 'runc', 'default'), 'list', '-q'])).stdout, `${id}\n`);
    assert.equal((await ctr(['t', 'rm', '-f', id])).code, 0);
    assert.equal((await ctr(['c', 'rm', id])).code, 0);
    assertNoLeaks();
  });

  it('kill -s 9 of a paused task thaws it (runc 1.1); kill -a of a stopped task is no error; c rm deletes a stopped task', async () => {
    const id = newId();
    assert.equal((await ctr(['run', '-d', '--null-io', DEMO_IMAGE, id, 'sleep', '1000'])).code, 0);
    assert.equal((await ctr(['t', 'pause', id])).code, 0);
    assert.match(await taskLine(id), / PAUSED$/);
    assert.equal((await ctr(['t', 'kill', '-s', '9', id])).code, 0);
    for (let i = 0; i < 100 && !/ STOPPED$/.test(await taskLine(id) ?? ''); i += 1) await new Promise((r) => setTimeout(r, 50));
    assert.match(await taskLine(id), / STOPPED$/);
    const all = await ctr(['t', 'kill', '-a', '-s', '9', id]);
    assert.equal(all.code, 0, all.stderr);
    const one = await ctr(['t', 'kill', id]);
    assert.equal(one.stderr, `ctr: task ${id}: process already finished: not found\n`);
    // ctr deletes a stopped task with its container, and refuses a running one in containerd's words.
    const rm = await ctr(['c', 'rm', id]);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(await taskLine(id), undefined);
    const live = newId();
    assert.equal((await ctr(['run', '-d', '--null-io', DEMO_IMAGE, live, 'sleep', '1000'])).code, 0);
    const refused = await ctr(['c', 'rm', live]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /\nctr: cannot delete a non stopped container: \{running 0 0001-01-01 00:00:00 \+0000 UTC\}\n$/);
    // Two deletes at once: one wins, the other finds the task gone.
    const both = await Promise.all([ctr(['t', 'rm', '-f', live]), ctr(['t', 'rm', '-f', live])]);
    assert.deepEqual(both.map((r) => r.code).sort(), [0, 1], both.map((r) => r.stderr).join(''));
    assert.equal((await ctr(['c', 'rm', live])).code, 0);
    assertNoLeaks();
  });

  it('a foreground run whose reader goes away ends as Go\'s ctr does on SIGPIPE (141), without a stack; the task stays', async () => {
    const id = newId();
    const r = spawn('bash', ['-c', `${join(REPO_ROOT, 'bin', 'ctr')} --root ${root} --state ${state} run ${DEMO_IMAGE} ${id} yes | head -2; echo "status=\${PIPESTATUS[0]}"`], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    r.stdout.on('data', (d) => { out += d; });
    r.stderr.on('data', (d) => { err += d; });
    await new Promise((resolve) => r.on('close', resolve));
    assert.equal(out, 'y\ny\nstatus=141\n');
    assert.equal(err, '');
    assert.match(await taskLine(id), / RUNNING$/);
    assert.equal((await ctr(['t', 'rm', '-f', id])).code, 0);
    assert.equal((await ctr(['c', 'rm', id])).code, 0);
  });

  it('run --rm whose output fails otherwise (ENOSPC: /dev/full) still returns the task\'s status and removes everything, as ctr', async () => {
    const id = newId();
    const r = spawn('bash', ['-c', `${join(REPO_ROOT, 'bin', 'ctr')} --root ${root} --state ${state} run --rm ${DEMO_IMAGE} ${id} sh -c 'echo a; sleep 1; echo b; exit 5' >/dev/full; echo "status=$?"`], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    r.stdout.on('data', (d) => { out += d; });
    await new Promise((resolve) => r.on('close', resolve));
    assert.equal(out, 'status=5\n');
    assert.doesNotMatch((await ctr(['c', 'ls', '-q'])).stdout, new RegExp(id));
    assert.equal(await taskLine(id), undefined);
  });

  it('a foreground run passes on job-control and other signals (TSTP, SYS, XCPU), as ctr: it neither stops nor dies', async () => {
    const id = newId();
    const script = 'trap "echo got TSTP" TSTP; trap "echo got SYS" SYS; trap "echo got XCPU" XCPU; trap "echo got TERM; exit 0" TERM; echo ready; while :; do sleep 0.2; done';
    const r = spawn(join(REPO_ROOT, 'bin', 'ctr'), ['--root', root, '--state', state, 'run', '--rm', DEMO_IMAGE, id, 'sh', '-c', script], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    r.stdout.on('data', (d) => { out += d; });
    const exited = new Promise((resolve) => r.on('exit', (code, sig) => resolve(code ?? sig)));
    for (let i = 0; i < 100 && !out.includes('ready'); i++) await new Promise((res) => setTimeout(res, 100));
    for (const sig of ['SIGTSTP', 'SIGSYS', 'SIGXCPU']) {
      r.kill(sig);
      await new Promise((res) => setTimeout(res, 500));
    }
    r.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(out, 'ready\ngot TSTP\ngot SYS\ngot XCPU\ngot TERM\n');
    assert.equal(await taskLine(id), undefined);
  });

  it('c rm of a container whose snapshot directory was removed by hand succeeds', async () => {
    const id = newId();
    assert.equal((await ctr(['c', 'create', DEMO_IMAGE, id, 'true'])).code, 0);
    const snaps = join(root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots');
    const before = new Set(readdirSync(snaps));
    // `snapshots mounts` names the container's upper directory: <snapshots>/<n>/fs.
    const upper = (await ctr(['snapshots', 'mounts', '/x', id])).stdout.match(/upperdir=([^,\s"]+)/)[1];
    const dir = dirname(upper);
    assert.ok(before.has(basename(dir)), dir);
    rmSync(dir, { recursive: true });
    const r = await ctr(['c', 'rm', id]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch((await ctr(['snapshots', 'ls'])).stdout, new RegExp(`^${id} `, 'm'));
  });
});
