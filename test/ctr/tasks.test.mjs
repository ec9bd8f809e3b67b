// ctr tasks end to end: start/ls/ps/pause/resume/metrics/kill/wait/exec/attach/delete against a
// busybox image pulled from a local registry, with the faults a daemonless design must report.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { assertNoLeaks, binPath, childEnv, registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { setupTaskEnv, shimPid, skipWithoutRegistry as skip, sleep } from './task-lib.mjs';

describe('ctr tasks', { skip }, () => {
  registerCleanup();
  let env;
  before(async () => { env = await setupTaskEnv(); });
  after(() => env?.stop());

  const create = async (id, ...cmd) => {
    const r = await env.ctr(['containers', 'create', env.ref, id, ...cmd]);
    assert.equal(r.code, 0, r.stderr);
  };

  it('starts detached, lists, pauses, resumes, kills, waits and deletes a task', async () => {
    const id = env.newId();
    await create(id, 'sh', '-c', 'trap "exit 7" TERM; while true; do busybox sleep 0.1; done');
    const st = await env.ctr(['tasks', 'start', '-d', id]);
    assert.equal(st.code, 0, st.stderr);

    const ls = await env.ctr(['t', 'ls']);
    assert.equal(ls.code, 0, ls.stderr);
    const [head, row] = ls.stdout.split('\n');
    assert.match(head, /^TASK +PID +STATUS +$/);
    const [tid, pid, status] = row.split(/ +/);
    assert.equal(tid, id);
    assert.equal(status, 'RUNNING');
    assert.ok(Number(pid) > 0);
    assert.equal((await env.ctr(['task', 'ls', '-q'])).stdout, `${id}\n`);

    // The runc clone sees ctr's container under the namespace's runtime root.
    const list = await runBin('runc', ['--root', join(env.state, 'runc', 'default'), 'list', '-q']);
    assert.equal(list.stdout.trim(), id);

    const ps = await env.ctr(['t', 'ps', id]);
    assert.match(ps.stdout, /^PID +INFO\n/);
    assert.match(ps.stdout, new RegExp(`^${pid} +-$`, 'm'));

    assert.equal((await env.ctr(['t', 'pause', id])).code, 0);
    assert.match((await env.ctr(['t', 'ls'])).stdout, /PAUSED/);
    assert.equal((await env.ctr(['t', 'resume', id])).code, 0);
    assert.match((await env.ctr(['t', 'ls'])).stdout, /RUNNING/);

    const m = await env.ctr(['t', 'metrics', id]);
    assert.equal(m.code, 0, m.stderr);
    assert.match(m.stdout, /^ID +TIMESTAMP +\n/);
    // A time.Time as ctr's %s prints it.
    assert.match(m.stdout, new RegExp(`^${id} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)? \\+0000 UTC +$`, 'm'));
    assert.match(m.stdout, /^pids\.current +[1-9]\d* +$/m);
    const mj = await env.ctr(['t', 'metrics', '--format', 'json', id]);
    assert.ok(JSON.parse(mj.stdout).pids.current >= 1);

    const waiter = env.ctr(['t', 'wait', id]);
    await sleep(300);
    assert.equal((await env.ctr(['t', 'kill', id])).code, 0);
    const w = await waiter;
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stdout, '7\n');
    assert.match((await env.ctr(['t', 'ls'])).stdout, new RegExp(`^${id} +${pid} +STOPPED$`, 'm'));

    const del = await env.ctr(['t', 'rm', id]);
    assert.equal(del.code, 0, del.stderr);
    assert.match(del.stderr, new RegExp(`level=warning msg="task ${id} exit with non-zero exit code 7"`));
    assert.equal((await env.ctr(['t', 'ls', '-q'])).stdout, '');
    assert.ok(!existsSync(join(env.state, 'io.containerd.runtime.v2.task', 'default', id)));
    assert.equal((await env.ctr(['c', 'rm', id])).code, 0);
    assertNoLeaks(id);
  });

  it('execs processes with an exec id, env, cwd and user; kills one by exec id', async () => {
    const id = env.newId();
    await create(id, 'busybox', 'sleep', '1000');
    assert.equal((await env.ctr(['t', 'start', '-d', id])).code, 0);
    const ex = await env.ctr(['t', 'exec', '--exec-id', 'e1', '--cwd', '/etc', '-u', 'berth', '--env', 'X=1', id, 'sh', '-c', 'echo "$X $(busybox pwd) $(busybox id -u)"; exit 4']);
    assert.equal(ex.code, 4, ex.stderr);
    assert.equal(ex.stdout, '1 /etc 1000\n');
    const noId = await env.ctr(['t', 'exec', id, 'true']);
    assert.notEqual(noId.code, 0);
    // The process gets pipes that ctr relays, not ctr's own descriptors (here files: they would
    // show by their paths), as containerd's FIFOs; what it leaves running holds only those, and
    // ctr ends ~2 s after the process, as containerd's ctr.
    const fds = await env.ctr(['t', 'exec', '--exec-id', 'fds', id, 'sh', '-c', 'for f in 0 1 2; do busybox readlink /proc/self/fd/$f; done; echo err >&2'], { stdio: 'files', input: 'in\n' });
    assert.equal(fds.code, 0, fds.stderr);
    assert.equal(fds.stderr, 'err\n');
    for (const l of fds.stdout.trim().split('\n')) assert.match(l, /^(pipe|socket):\[\d+\]$/, fds.stdout);
    const t0 = Date.now();
    const left = await env.ctr(['t', 'exec', '--exec-id', 'left', id, 'sh', '-c', 'busybox sleep 30 & echo hi; exit 5'], { stdio: 'files' });
    assert.deepEqual([left.code, left.stdout], [5, 'hi\n'], left.stderr);
    assert.ok(Date.now() - t0 < 15_000, 'ctr does not wait for what the process left running');
    // A reader that goes: ctr ends with 141 (Go's SIGPIPE) and so does the process, not stalled on a full pipe.
    const piped = spawnSync('bash', ['-c', `${binPath('ctr')} --root ${env.root} --state ${env.state} t exec --exec-id yes ${id} busybox yes | head -2; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8', timeout: 30_000, env: childEnv() });
    assert.equal(piped.stdout, 'y\ny\nstatus=141\n', piped.stderr);
    const cat = await env.ctr(['t', 'exec', '--exec-id', 'cat', id, 'busybox', 'cat'], { input: 'fed\n' });
    assert.deepEqual([cat.code, cat.stdout], [0, 'fed\n'], cat.stderr);
    // --log-uri: stdout and stderr appended to the file (its directory made), as containerd's file log.
    const log = join(tempDir('exec-log'), 'sub', 'x.log');
    const lg = await env.ctr(['t', 'exec', '--exec-id', 'log', '--log-uri', `file://${log}`, id, 'sh', '-c', 'echo out; echo err >&2; exit 2']);
    assert.deepEqual([lg.code, lg.stdout, lg.stderr], [2, '', '']);
    assert.equal(readFileSync(log, 'utf8'), 'out\nerr\n');
    // Our stdout failing (a full disk): the output is dropped, as ctr's copy, the process's status
    // is ours, and its exec id is free again (before, an uncaught error left it taken).
    const full = openSync('/dev/full', 'w');
    try {
      const ex2 = await env.ctr(['t', 'exec', '--exec-id', 'full', id, 'sh', '-c', 'echo hi; exit 6'], { stdout: full });
      assert.deepEqual([ex2.code, ex2.stderr], [6, '']);
    } finally {
      closeSync(full);
    }
    const again = await env.ctr(['t', 'exec', '--exec-id', 'full', id, 'busybox', 'true']);
    assert.equal(again.code, 0, again.stderr);
    // The same through a terminal relay (-t).
    const fullTty = openSync('/dev/full', 'w');
    try {
      const t2 = await env.ctr(['t', 'exec', '-t', '--exec-id', 'fullt', id, 'sh', '-c', 'echo hi; exit 7'], { stdout: fullTty });
      assert.equal(t2.code, 7, t2.stderr);
    } finally {
      closeSync(fullTty);
    }
    assert.equal((await env.ctr(['t', 'exec', '--exec-id', 'fullt', id, 'busybox', 'true'])).code, 0);
    // delete -f of a foreground exec: 137, though its ctr frees the id as the process goes; an id
    // taken again at once stays the new exec's when the old ctr finishes.
    const fg = env.ctr(['t', 'exec', '--exec-id', 'fg', id, 'sh', '-c', 'busybox sleep 20 & exec busybox sleep 100']);
    for (let i = 0; i < 100 && !existsSync(join(env.state, 'io.containerd.runtime.v2.task', 'default', id, 'execs', 'fg.pid')); i++) await sleep(50);
    await sleep(500);
    assert.equal((await env.ctr(['t', 'delete', '-f', '--exec-id', 'fg', id])).code, 137);
    assert.equal((await env.ctr(['t', 'exec', '-d', '--exec-id', 'fg', id, 'busybox', 'sleep', '1000'], { stdio: 'files' })).code, 0);
    assert.equal((await fg).code, 137);
    assert.match((await env.ctr(['t', 'ps', id])).stdout, /&ProcessDetails\{ExecID:fg,\}/);
    assert.equal((await env.ctr(['t', 'delete', '-f', '--exec-id', 'fg', id])).code, 137);

    const bg = await env.ctr(['t', 'exec', '-d', '--exec-id', 'bg', id, 'busybox', 'sleep', '1000'], { stdio: 'files' });
    assert.equal(bg.code, 0, bg.stderr);
    const dup = await env.ctr(['t', 'exec', '-d', '--exec-id', 'bg', id, 'true']);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /exec id bg already exists/);
    const ps = await env.ctr(['t', 'ps', id]);
    assert.match(ps.stdout, /&ProcessDetails\{ExecID:bg,\}/);
    // delete --exec-id, as containerd's: a running exec is refused, -f kills it (status 137); a
    // finished one is deleted; either way its id is free again.
    const busy = await env.ctr(['t', 'delete', '--exec-id', 'bg', id]);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /exec process bg: cannot delete a running process/);
    assert.equal((await env.ctr(['t', 'delete', '-f', '--exec-id', 'bg', id])).code, 137);
    assert.doesNotMatch((await env.ctr(['t', 'ps', id])).stdout, /ExecID:bg/);
    assert.equal((await env.ctr(['t', 'exec', '-d', '--exec-id', 'bg', id, 'busybox', 'sleep', '1000'], { stdio: 'files' })).code, 0);
    assert.equal((await env.ctr(['t', 'kill', '--exec-id', 'bg', '-s', 'KILL', id])).code, 0);
    await sleep(200);
    assert.doesNotMatch((await env.ctr(['t', 'ps', id])).stdout, /ExecID:bg/);
    assert.equal((await env.ctr(['t', 'delete', '--exec-id', 'bg', id])).code, 0);
    assert.match((await env.ctr(['t', 'delete', '--exec-id', 'bg', id])).stderr, /exec process bg not found/);
    const del = await env.ctr(['t', 'delete', '-f', id]);
    assert.equal(del.code, 0, del.stderr);
    assert.equal((await env.ctr(['c', 'rm', id])).code, 0);
  });

  it('attaches to a running task and relays its output until it exits', async () => {
    const id = env.newId();
    await create(id, 'sh', '-c', 'read line; echo "got $line"; echo bye >&2; exit 3');
    assert.equal((await env.ctr(['t', 'start', '-d', id])).code, 0);
    const at = await env.ctr(['t', 'attach', id], { input: 'hello\n' });
    assert.equal(at.code, 3, at.stderr);
    assert.equal(at.stdout, 'got hello\n');
    assert.equal(at.stderr, 'bye\n');
    // As ctr's attach, which deletes the task once it has its status.
    assert.doesNotMatch((await env.ctr(['t', 'ls', '-q'])).stdout, new RegExp(`^${id}$`, 'm'));
    // A task that has exited, or has no FIFOs (--null-io): its status only, and it goes too.
    assert.equal((await env.ctr(['t', 'start', '-d', '--null-io', id])).code, 0);
    const nul = await env.ctr(['t', 'attach', id], { input: 'x\n' });
    assert.deepEqual([nul.code, nul.stdout], [3, ''], nul.stderr);
    assert.equal((await env.ctr(['t', 'start', '-d', '--null-io', id])).code, 0);
    await sleep(500); // `read` meets the null stdin's end at once
    assert.equal((await env.ctr(['t', 'attach', id])).code, 3);
    assert.doesNotMatch((await env.ctr(['t', 'ls', '-q'])).stdout, new RegExp(`^${id}$`, 'm'));
    assert.equal((await env.ctr(['c', 'rm', id])).code, 0);
  });

  it('reports faults: unknown container, duplicate task, running delete, dead shim', async () => {
    const none = await env.ctr(['t', 'start', 'no-such-container']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^ctr: container "no-such-container".*not found\n$/);

    const id = env.newId();
    await create(id, 'busybox', 'sleep', '1000');
    assert.equal((await env.ctr(['t', 'start', '-d', id])).code, 0);
    const dup = await env.ctr(['t', 'start', '-d', id]);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, new RegExp(`^ctr: task ${id}: already exists`));
    const rm = await env.ctr(['t', 'rm', id]);
    assert.equal(rm.code, 1);
    assert.match(rm.stderr, /cannot delete a running task/);

    // A shim killed with SIGKILL: the task is reported, not hung on.
    process.kill(shimPid(env.state, id), 'SIGKILL');
    await sleep(200);
    assert.match((await env.ctr(['t', 'ls'])).stdout, new RegExp(`^${id} +\\d+ +UNKNOWN$`, 'm'));
    const w = await env.ctr(['t', 'wait', id], { timeout: 10_000 });
    assert.equal(w.code, 1);
    assert.match(w.stderr, /shim \(pid \d+\) died without recording an exit status/);
    const rm2 = await env.ctr(['t', 'rm', id]);
    assert.equal(rm2.code, 1);
    assert.match(rm2.stderr, /use --force/);
    const rm3 = await env.ctr(['t', 'rm', '-f', id]);
    assert.equal(rm3.code, 0, rm3.stderr);
    assert.equal((await env.ctr(['c', 'rm', id])).code, 0);
    assertNoLeaks(id);
  });
});
