// Behaviours a differential review against Debian's runc found apart (session 8), each run with
// both runtimes where runc is there to compare: the container's session, kill 0 and kill -a of a
// stopped container, ids that start with a dot, a failing poststop hook, exec's checks and exit
// status, a console socket without a terminal, ps -f json of a stopped container, argument counts,
// update -r, a memory limit too low to start, and OOM events.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertNoLeaks, registerCleanup, tempDir, trackContainer, untrackContainer } from '../lib/index.mjs';
import {
  BERTH, REAL_RUNC, assertOneLineError, editedBundle, killAndDelete, runtime, rwBundle, skipUnlessRoot, stateDirExists, waitFor,
} from './helpers.mjs';

const hasRealRunc = existsSync(REAL_RUNC);
/** berth's runtime, and runc's when installed (the checks that compare run on both). */
const runtimes = () => [['berth', runtime(BERTH, 'parity-berth')], ...(hasRealRunc ? [['runc', runtime(REAL_RUNC, 'parity-runc')]] : [])];

describe('runc parity', { skip: skipUnlessRoot }, () => {
  registerCleanup();
  const all = runtimes();
  const rt = all[0][1];

  it('the container process leads its own session and process group; an exec\'d one too', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sleep', '1000']);
    for (const [name, r] of all) {
      const id = await r.detach(b);
      const pid = (await r.state(id)).pid;
      const [, , , , pgrp, session] = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/\(.*\)/, 'x').split(' ');
      assert.deepEqual([Number(pgrp), Number(session)], [pid, pid], name);
      const e = await r.exec(id, ['sh', '-c', 'cut -d" " -f1,5,6 /proc/$$/stat']);
      const [epid, epgrp, esid] = e.stdout.trim().split(' ');
      assert.deepEqual([epgrp, esid], [epid, epid], `${name} exec: ${e.stdout}${e.stderr}`);
      // kill 0 checks that it is there.
      assert.equal((await r.run(['kill', id, '0'])).code, 0, name);
      await killAndDelete(r, id);
    }
    assertNoLeaks();
  });

  it('kill -a of a stopped container succeeds; ps -f json of it prints null', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['true']);
    for (const [name, r] of all) {
      const id = await r.detach(b);
      await waitFor(async () => (await r.state(id)).status === 'stopped', `${name} stopped`);
      const k = await r.run(['kill', '-a', id, 'KILL']);
      assert.equal(k.code, 0, `${name}: ${k.stderr}`);
      const ps = await r.run(['ps', '-f', 'json', id]);
      assert.equal(ps.stdout, 'null\n', name);
      assert.equal((await r.run(['kill', id, 'KILL'])).code, 1, `${name}: a plain kill of a stopped container fails`);
      assert.equal((await r.run(['delete', id])).code, 0);
      untrackContainer(id, r.root);
    }
  });

  it('an id starting with a dot is listed', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sleep', '1000']);
    for (const [name, r] of all) {
      const id = `.${r.newId()}`;
      trackContainer({ tool: r.tool, root: r.root, id });
      assert.equal((await r.run(['create', '--bundle', b.dir, id], { stdio: 'files' })).code, 0);
      assert.equal((await r.run(['list', '-q'])).stdout, `${id}\n`, name);
      assert.equal((await r.run(['delete', '-f', id])).code, 0);
      untrackContainer(id, r.root);
    }
  });

  it('a failing poststop hook is a warning: delete succeeds and the container is gone', async (t) => {
    registerCleanup(t);
    const b = editedBundle((s) => { s.hooks = { poststop: [{ path: '/bin/sh', args: ['sh', '-c', 'echo out; echo err >&2; exit 4'] }] }; });
    for (const [name, r] of all) {
      const id = await r.detach(b, { create: true });
      const d = await r.run(['delete', '-f', id]);
      assert.equal(d.code, 0, `${name}: ${d.stderr}`);
      assert.match(d.stderr, /exit status 4/, name);
      assert.equal(stateDirExists(r.root, id), false, name);
      untrackContainer(id, r.root);
    }
    assertNoLeaks();
  });

  it('exec: a bad process.json named in one line, a relative --cwd refused, failures exit 255', async (t) => {
    registerCleanup(t);
    const id = await rt.detach(rwBundle(['sleep', '1000']));
    const dir = tempDir('exec-process');
    const file = (name, text) => { const f = join(dir, name); writeFileSync(f, text); return f; };
    const cases = [
      [file('string-args.json', '{"args":"sh","cwd":"/"}'), /string-args\.json: args must be an array/],
      [file('no-cwd.json', '{"args":["true"]}'), /no-cwd\.json: cwd is required/],
      [file('bad-uid.json', '{"args":["true"],"cwd":"/","user":{"uid":"x"}}'), /bad-uid\.json: user\.uid must be/],
      [file('truncated.json', '{"args":["true"],"cwd":'), /truncated\.json: invalid JSON/],
    ];
    for (const [f, re] of cases) {
      const r = await rt.run(['exec', '-p', f, id]);
      assert.equal(r.code, 255, r.stderr);
      assertOneLineError(r, re);
    }
    const rel = await rt.run(['exec', '--cwd', 'tmp', id, 'true']);
    assert.equal(rel.code, 255);
    assertOneLineError(rel, /cwd \\?"tmp\\?" must be an absolute path/);
    const missing = await rt.exec(`${id}-none`, ['true']);
    assert.equal(missing.code, 255);
    // A failed exec's init stage is reaped by the CLI, not left a zombie in the container.
    assert.equal((await rt.exec(id, ['no-such-binary'])).code, 255);
    const ps = await rt.exec(id, ['ps', '-o', 'stat,comm']);
    assert.doesNotMatch(ps.stdout, /^Z/m, ps.stdout);
    await killAndDelete(rt, id);
  });

  it('a console socket for a container without a terminal is refused', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sleep', '1000']);
    for (const [name, r] of all) {
      const id = r.newId();
      const c = await r.run(['create', '--console-socket', join(tempDir('sock'), 'none.sock'), '--bundle', b.dir, id], { stdio: 'files' });
      assertOneLineError(c, /cannot use console socket if runc will not detach or allocate tty/);
      assert.equal(stateDirExists(r.root, id), false, name);
      untrackContainer(id, r.root);
    }
  });

  it('argument counts in runc\'s words', async () => {
    for (const [args, re] of [
      [['list', 'extra'], /\\?"list\\?" requires exactly 0 argument\(s\)/],
      [['kill'], /\\?"kill\\?" requires a minimum of 1 argument\(s\)/],
      [['kill', 'a', 'b', 'c'], /\\?"kill\\?" requires a maximum of 2 argument\(s\)/],
      [['exec'], /\\?"exec\\?" requires a minimum of 1 argument\(s\)/],
    ]) {
      for (const [name, r] of all) {
        const res = await r.run(args);
        assert.equal(res.code, 1, name);
        assert.match(res.stderr.trim().split('\n').pop(), re, `${name} ${args.join(' ')}`);
      }
    }
  });

  it('update -r: the file is the whole update (flags ignored), its values type-checked', async (t) => {
    registerCleanup(t);
    const id = await rt.detach(rwBundle(['sleep', '1000']));
    const dir = tempDir('update');
    const good = join(dir, 'res.json');
    writeFileSync(good, JSON.stringify({ pids: { limit: 40 } }));
    assert.equal((await rt.run(['update', '-r', good, '--pids-limit', '77', id])).code, 0);
    const pid = (await rt.state(id)).pid;
    const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => /:pids:/.test(l)) ?? readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'));
    const cg = line.replace(/^[^:]*:[^:]*:/, '');
    const pidsMax = ['/sys/fs/cgroup/pids', '/sys/fs/cgroup', '/sys/fs/cgroup/unified'].map((m) => join(m, cg, 'pids.max')).find((f) => existsSync(f));
    assert.equal(readFileSync(pidsMax, 'utf8').trim(), '40');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ memory: { limit: 'x' } }));
    assertOneLineError(await rt.run(['update', '-r', bad, id]), /bad\.json: memory\.limit must be/);
    await killAndDelete(rt, id);
  });

  it('a memory limit too low to start the init names the OOM killer', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sleep', '1000'], { linux: { resources: { memory: { limit: 4096 } } } });
    const id = rt.newId();
    const r = await rt.run(['run', '-d', '--bundle', b.dir, id], { stdio: 'files' });
    assertOneLineError(r, /killed by the OOM killer: memory limit 4096 is too low/);
    assert.equal(stateDirExists(rt.root, id), false);
    untrackContainer(id, rt.root);
    assertNoLeaks();
  });

  it('events: an "oom" event when the OOM killer strikes, and stats go on after the container stops', async (t) => {
    registerCleanup(t);
    const id = await rt.detach(rwBundle(['sleep', '1000'], { linux: { resources: { memory: { limit: 64 << 20 } } } }));
    const events = rt.run(['events', '--interval', '300ms', id], { timeout: 6000 });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await rt.run(['exec', '-d', id, 'sh', '-c', 'head -c 300000000 /dev/zero | tail'], { stdio: 'files' })).code, 0);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await rt.run(['kill', id, 'KILL'])).code, 0);
    const r = await events;
    const out = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.ok(out.some((e) => e.type === 'oom' && e.id === id), JSON.stringify(out.map((e) => e.type)));
    // Still running after the container stopped: the events command ran to its timeout (killed
    // then, not exited by itself) and the stats kept coming: at 300 ms, some 10 after the kill.
    assert.equal(r.timedOut, true, `events ended by itself: ${r.stderr}`);
    assert.ok(out.filter((e) => e.type === 'stats').length >= 12, `${out.length} events`);
    await killAndDelete(rt, id).catch(async () => {
      assert.equal((await rt.run(['delete', '-f', id])).code, 0);
      untrackContainer(id, rt.root);
    });
  });
});
