// End-to-end tests of berth's runc (bin/runc): the container lifecycle and the commands that
// act on a running container (state, list, kill, delete, exec, ps, pause/resume, events, update).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  assertNoLeaks, makeBusyboxBundle, parseJson, registerCleanup, untrackContainer,
} from '../lib/index.mjs';
import {
  REAL_RUNC, cgroupFile, killAndDelete, logMsg, readOr, runtime, rwBundle, skipUnlessRealRunc, skipUnlessRoot, sleep,
  stateDirExists, waitFor,
} from './helpers.mjs';

const LOOP = ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo $i > /tmp/count; sleep 0.05; done'];

describe('runc lifecycle', { skip: skipUnlessRoot }, () => {
  registerCleanup();
  const rt = runtime();

  it('run propagates the exit code of the container process', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sh', '-c', 'echo out; echo err >&2; exit 7']);
    const id = rt.newId();
    const r = await rt.run(['run', '--bundle', b.dir, id]);
    assert.equal(r.code, 7, r.stderr);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(stateDirExists(rt.root, id), false, 'run removes the container when it exits');
    untrackContainer(id, rt.root);
    assertNoLeaks();
  });

  it('run of a container killed by a signal exits 128+n', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sleep', '1000']);
    const id = rt.newId();
    const running = rt.run(['run', '--bundle', b.dir, id], { timeout: 20_000 });
    await waitFor(async () => (await rt.run(['state', id])).stdout.includes('"running"'), 'running');
    const k = await rt.run(['kill', id, 'KILL']);
    assert.equal(k.code, 0, k.stderr);
    const r = await running;
    assert.equal(r.code, 128 + 9, `code ${r.code} signal ${r.signal}: ${r.stderr}`);
    untrackContainer(id, rt.root);
    assertNoLeaks();
  });

  it('create -> created, start -> running, kill -> stopped, delete -> gone', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sleep', '1000']);
    const id = await rt.detach(b, { create: true });
    const s1 = await rt.state(id);
    assert.equal(s1.status, 'created');
    assert.ok(s1.pid > 0);
    assert.equal(s1.bundle, b.dir);
    assert.equal(s1.rootfs, b.rootfs);
    const st = await rt.run(['start', id]);
    assert.equal(st.code, 0, st.stderr);
    assert.equal((await rt.state(id)).status, 'running');
    const again = await rt.run(['start', id]);
    assert.notEqual(again.code, 0, 'a running container cannot be started twice');
    assert.match(again.stderr, /not in created state|cannot start/i);
    await killAndDelete(rt, id);
    const gone = await rt.run(['state', id]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /does not exist/);
    assert.equal(stateDirExists(rt.root, id), false);
    assertNoLeaks();
  });

  it('after create the user program has not run; start runs it', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sh', '-c', 'touch /tmp/started; sleep 1000']);
    const id = await rt.detach(b, { create: true });
    await sleep(300);
    assert.equal(existsSync(join(b.rootfs, 'tmp/started')), false, 'program ran before start');
    const st = await rt.run(['start', id]);
    assert.equal(st.code, 0, st.stderr);
    await waitFor(() => existsSync(join(b.rootfs, 'tmp/started')), '/tmp/started after start');
    await rt.remove(id);
    assertNoLeaks();
  });

  it('run -d detaches and --pid-file holds the init pid', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sleep', '1000']);
    const pidFile = join(b.dir, 'init.pid');
    const id = await rt.detach(b, { extra: ['--pid-file', pidFile] });
    const s = await rt.state(id);
    assert.equal(s.status, 'running');
    assert.equal(readFileSync(pidFile, 'utf8'), String(s.pid), 'pid file holds the pid, no newline');
    assert.equal(readFileSync(`/proc/${s.pid}/cmdline`, 'utf8'), 'sleep\x001000\x00');
    await rt.remove(id);
    assertNoLeaks();
  });

  it('list prints runc\'s tabwriter table, -q ids and -f json', async (t) => {
    registerCleanup(t);
    const lrt = runtime(undefined, 'list-root');
    const empty = await lrt.run(['list']);
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(empty.stdout, 'ID          PID         STATUS      BUNDLE      CREATED     OWNER\n');
    const b = rwBundle(['sleep', '1000']);
    const id = await lrt.detach(b);
    const s = await lrt.state(id);
    const r = await lrt.run(['list']);
    assert.equal(r.code, 0, r.stderr);
    // text/tabwriter with minwidth 12, padding 3: every column is max(12, widest + 3) wide.
    const cells = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER'],
      [id, String(s.pid), 'running', b.dir, s.created, 'root']];
    const widths = [0, 1, 2, 3, 4].map((c) => Math.max(12, ...cells.map((row) => row[c].length + 3)));
    const expected = cells.map((row) => `${row.map((v, i) => (i < 5 ? v.padEnd(widths[i]) : v)).join('')}\n`).join('');
    assert.equal(r.stdout, expected);
    const q = await lrt.run(['list', '-q']);
    assert.equal(q.stdout, `${id}\n`);
    const j = parseJson(await lrt.run(['list', '-f', 'json']));
    assert.equal(j.length, 1);
    assert.deepEqual(Object.keys(j[0]), ['ociVersion', 'id', 'pid', 'status', 'bundle', 'rootfs', 'created', 'owner']);
    assert.deepEqual(j[0], { ...s, owner: 'root' });
    await lrt.remove(id);
    assertNoLeaks();
  });

  it('state JSON has the same field names in the same order as real runc', { skip: skipUnlessRealRunc }, async (t) => {
    registerCleanup(t);
    const real = runtime(REAL_RUNC, 'real-root');
    const b = makeBusyboxBundle({ args: ['sleep', '1000'] });
    const ours = await rt.detach(b);
    const theirs = await real.detach(b);
    const a = await rt.state(ours);
    const e = await real.state(theirs);
    assert.deepEqual(Object.keys(a), Object.keys(e));
    assert.equal(a.ociVersion, e.ociVersion);
    assert.equal(a.owner, e.owner);
    await rt.remove(ours);
    await real.remove(theirs);
    assertNoLeaks();
  });

  it('state JSON with annotations has real runc\'s field order', async (t) => {
    registerCleanup(t);
    const real = runtime(REAL_RUNC, 'real-root');
    const b = makeBusyboxBundle({ args: ['sleep', '1000'], annotations: { 'org.berth.test': 'x' } });
    const ours = await rt.detach(b);
    const theirs = await real.detach(b);
    const a = await rt.state(ours);
    const e = await real.state(theirs);
    assert.deepEqual(Object.keys(a), Object.keys(e));
    assert.deepEqual(a.annotations, e.annotations);
    await rt.remove(ours);
    await real.remove(theirs);
    assertNoLeaks();
  });

  it('delete of a running container needs -f; delete -f of a missing id succeeds', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sleep', '1000']);
    const id = await rt.detach(b);
    const d = await rt.run(['delete', id]);
    assert.notEqual(d.code, 0);
    assert.match(d.stderr, new RegExp(`cannot delete container ${id} that is not stopped: running`));
    assert.equal((await rt.state(id)).status, 'running');
    const f = await rt.run(['delete', '-f', id]);
    assert.equal(f.code, 0, f.stderr);
    untrackContainer(id, rt.root);
    assert.equal(stateDirExists(rt.root, id), false);
    const missing = await rt.run(['delete', '-f', `${id}-missing`]);
    assert.equal(missing.code, 0, missing.stderr);
    const missingNoF = await rt.run(['delete', `${id}-missing`]);
    assert.notEqual(missingNoF.code, 0);
    assert.match(missingNoF.stderr, /does not exist/);
    assertNoLeaks();
  });

  it('kill takes signal names and numbers; kill -a signals every process', async (t) => {
    registerCleanup(t);
    const b = rwBundle(
      ['sh', '-c', 'trap "echo usr1 >> /tmp/sig" USR1; trap "echo hup >> /tmp/sig" HUP; '
        + 'trap "echo term >> /tmp/sig; exit 0" TERM; sleep 1000 & sleep 1000 & while true; do sleep 0.05; done'],
    );
    const id = await rt.detach(b);
    const sig = join(b.rootfs, 'tmp/sig');
    const seen = [];
    for (const [s, want] of [['USR1', 'usr1'], ['SIGHUP', 'hup'], ['10', 'usr1']]) {
      const k = await rt.run(['kill', id, s]);
      assert.equal(k.code, 0, `kill ${s}: ${k.stderr}`);
      seen.push(want);
      const expected = `${seen.join('\n')}\n`;
      await waitFor(() => readOr(sig, '') === expected, `${JSON.stringify(expected)} in /tmp/sig after kill ${s}`);
    }
    const pids = parseJson(await rt.run(['ps', '-f', 'json', id]));
    assert.ok(pids.length >= 3, `ps shows ${pids}`);
    const k = await rt.run(['kill', '-a', id, 'KILL']);
    assert.equal(k.code, 0, k.stderr);
    await waitFor(() => pids.every((p) => !existsSync(`/proc/${p}`) || /State:\s+Z/.test(readOr(`/proc/${p}/status`, ''))), 'all processes killed');
    await waitFor(async () => (await rt.state(id)).status === 'stopped', 'stopped');
    const stopped = await rt.run(['kill', id, 'KILL']);
    assert.notEqual(stopped.code, 0, 'kill of a stopped container fails');
    assert.match(stopped.stderr, /not running|container not running/i);
    await rt.remove(id);
    assertNoLeaks();
  });

  it('kill by number terminates; SIGTERM reaches a trapping init', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.05; done']);
    const id = await rt.detach(b);
    const k = await rt.run(['kill', id]); // default SIGTERM
    assert.equal(k.code, 0, k.stderr);
    await waitFor(async () => (await rt.state(id)).status === 'stopped', 'stopped after SIGTERM');
    await rt.remove(id);
    const b2 = rwBundle(['sleep', '1000']);
    const id2 = await rt.detach(b2);
    const k9 = await rt.run(['kill', id2, '9']);
    assert.equal(k9.code, 0, k9.stderr);
    await waitFor(async () => (await rt.state(id2)).status === 'stopped', 'stopped after 9');
    await rt.remove(id2);
    assertNoLeaks();
  });
});

describe('runc exec and ps', { skip: skipUnlessRoot }, () => {
  registerCleanup();
  const rt = runtime();
  let b;
  let id;

  it('starts a container to exec into', async () => {
    b = rwBundle(['sleep', '1000']);
    id = await rt.detach(b);
  });

  it('exec propagates the exit code and passes -c to sh', async () => {
    const r = await rt.exec(id, ['sh', '-c', 'echo in-$0; exit 5']);
    assert.equal(r.code, 5, r.stderr);
    assert.equal(r.stdout, 'in-sh\n');
  });

  it('exec --env, --cwd and -u', async () => {
    const r = await rt.run(['exec', '--env', 'FOO=bar baz', '--cwd', '/tmp', '-u', '1000:1000', id,
      'sh', '-c', 'echo "$FOO"; pwd; id -u; id -g']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'bar baz\n/tmp\n1000\n1000\n');
    const env = await rt.exec(id, ['env']);
    assert.match(env.stdout, /^PATH=\/usr\/local\/sbin:/m, 'the spec env is inherited');
  });

  it('exec -d leaves a process running, seen by ps', async () => {
    const r = await rt.run(['exec', '-d', id, 'sleep', '999'], { stdio: 'files' });
    assert.equal(r.code, 0, r.stderr);
    const pids = parseJson(await rt.run(['ps', '-f', 'json', id]));
    assert.equal(pids.length, 2, JSON.stringify(pids));
    const init = (await rt.state(id)).pid;
    assert.ok(pids.includes(init));
    const other = pids.find((p) => p !== init);
    assert.equal(readFileSync(`/proc/${other}/cmdline`, 'utf8'), 'sleep\x00999\x00');
  });

  it('ps prints the ps table filtered to the container', async () => {
    const pids = parseJson(await rt.run(['ps', '-f', 'json', id]));
    const r = await rt.run(['ps', id]);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = r.stdout.trim().split('\n');
    assert.match(header, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
    assert.equal(rows.length, pids.length, r.stdout);
    for (const row of rows) assert.ok(pids.includes(Number(row.trim().split(/\s+/)[1])), row);
    const o = await rt.run(['ps', id, '-o', 'pid,comm']);
    assert.equal(o.code, 0, o.stderr);
    assert.match(o.stdout, /^\s*PID COMMAND\n/);
    assert.match(o.stdout, /\bsleep\n/);
  });

  it('exec of a missing program fails naming it', async () => {
    const r = await rt.exec(id, ['nope']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, logMsg('exec: "nope": executable file not found in $PATH'));
  });

  it('an exec\'s init stage is never a process of the container: one with CAP_SYS_PTRACE cannot reach the host', async (t) => {
    registerCleanup(t);
    // The watcher looks at every process it can see in its PID namespace while execs run: through
    // /proc/<pid>/root, the host's filesystem would show the bundle's config.json (the container's
    // root is the bundle's rootfs only). The old stage was there for its whole Node start-up.
    const caps = ['CAP_SYS_PTRACE', 'CAP_KILL', 'CAP_CHOWN', 'CAP_SETUID', 'CAP_SETGID', 'CAP_DAC_OVERRIDE'];
    const w = rwBundle(['sh', '-c', 'echo watching > /tmp/seen; while :; do for p in /proc/[0-9]*; do [ -e $p/root$0 ] && echo "host root: $p"; done; done >> /tmp/seen 2>/dev/null'],
      { process: { capabilities: { bounding: caps, effective: caps, permitted: caps } } });
    const spec = JSON.parse(readFileSync(join(w.dir, 'config.json'), 'utf8'));
    spec.process.args.splice(3, 0, join(w.dir, 'config.json'));
    writeFileSync(join(w.dir, 'config.json'), JSON.stringify(spec));
    const wid = await rt.detach(w);
    for (let i = 0; i < 12; i++) assert.equal((await rt.exec(wid, ['true'])).code, 0);
    const seen = (await rt.exec(wid, ['cat', '/tmp/seen'])).stdout;
    assert.match(seen, /^watching$/m, 'the watcher ran');
    assert.doesNotMatch(seen, /host root/, `a process with the host's root was visible in the container:\n${seen}`);
    // The program's parent is outside the namespace, as with runc.
    assert.match((await rt.exec(wid, ['sh', '-c', 'grep PPid /proc/$$/status'])).stdout, /^PPid:\s+0$/m);
    await rt.remove(wid);
  });

  it('deletes the container', async () => {
    await rt.remove(id);
    assertNoLeaks();
  });
});

describe('runc pause, resume, events, update', { skip: skipUnlessRoot }, () => {
  registerCleanup();
  const rt = runtime();
  let b;
  let id;
  let pid;

  it('starts a counting container', async () => {
    b = rwBundle(LOOP);
    id = await rt.detach(b);
    pid = (await rt.state(id)).pid;
    await waitFor(() => Number(readOr(join(b.rootfs, 'tmp/count'), '0')) > 0, 'counter');
  });

  it('pause freezes the processes and resume thaws them', async () => {
    const p = await rt.run(['pause', id]);
    assert.equal(p.code, 0, p.stderr);
    assert.equal((await rt.state(id)).status, 'paused');
    const freezer = cgroupFile(pid, 'freezer', 'freezer.state');
    if (freezer) assert.equal(readFileSync(freezer, 'utf8').trim(), 'FROZEN');
    await sleep(100);
    const c1 = readOr(join(b.rootfs, 'tmp/count'));
    await sleep(400);
    assert.equal(readOr(join(b.rootfs, 'tmp/count')), c1, 'counter moved while paused');
    const r = await rt.run(['resume', id]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await rt.state(id)).status, 'running');
    await waitFor(() => readOr(join(b.rootfs, 'tmp/count')) !== c1, 'counter after resume');
  });

  it('events --stats prints one stats event', async () => {
    const r = await rt.run(['events', '--stats', id]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const e = JSON.parse(lines[0]);
    assert.equal(e.type, 'stats');
    assert.equal(e.id, id);
    assert.equal(typeof e.data.cpu.usage.total, 'number');
    assert.ok(e.data.cpu.usage.total > 0);
    assert.equal(typeof e.data.memory.usage.usage, 'number');
    assert.ok(e.data.memory.usage.usage > 0);
    assert.ok(e.data.pids.current >= 1);
  });

  it('update --memory --pids-limit --cpu-share reach the cgroup and events --stats', async () => {
    const r = await rt.run(['update', '--memory', '64M', '--pids-limit', '50', '--cpu-share', '512', id]);
    assert.equal(r.code, 0, r.stderr);
    const mem = cgroupFile(pid, 'memory', 'memory.limit_in_bytes') ?? cgroupFile(pid, 'memory', 'memory.max');
    assert.equal(readFileSync(mem, 'utf8').trim(), String(64 * 1024 * 1024));
    assert.equal(readFileSync(cgroupFile(pid, 'pids', 'pids.max'), 'utf8').trim(), '50');
    const shares = cgroupFile(pid, 'cpu', 'cpu.shares');
    if (shares) assert.equal(readFileSync(shares, 'utf8').trim(), '512');
    else assert.equal(readFileSync(cgroupFile(pid, 'cpu', 'cpu.weight'), 'utf8').trim(), '20'); // runc's shares->weight
    const e = parseJson(await rt.run(['events', '--stats', id]));
    assert.equal(e.data.memory.usage.limit, 64 * 1024 * 1024);
    assert.equal(e.data.pids.limit, 50);
  });

  it('update with a resources JSON file (-r)', async () => {
    const r = await rt.run(['update', '-r', '-', id], { input: JSON.stringify({ pids: { limit: 40 } }) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(cgroupFile(pid, 'pids', 'pids.max'), 'utf8').trim(), '40');
  });

  it('deletes the paused-and-resumed container', async () => {
    await rt.remove(id);
    assertNoLeaks();
  });
});
