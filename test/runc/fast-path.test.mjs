// runc's hot commands served without oclif (packages/runc/src/fast.ts, loaded by launch.js
// before the CLI bundle): for each command line, the fast path and oclif's (BERTH_FAST=off) give
// the same stdout, stderr, exit status and effect; forms the fast path does not take (help,
// --debug, unknown or repeated flags, a missing argument) are left to oclif.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { makeBusyboxBundle, registerCleanup, tempDir, untrackContainer } from '../lib/index.mjs';
import { runtime, skipUnlessRoot } from './helpers.mjs';

const TRACE = /^berth-trace \S+ \d+ (.*)\n/gm;

describe('runc fast path', { skip: skipUnlessRoot }, () => {
  registerCleanup();
  const rt = runtime();

  /** The command both ways: { fast, oclif } results with trace lines taken out, and whether the fast path served it. */
  async function both(args) {
    const res = {};
    for (const [k, env] of [['fast', {}], ['oclif', { BERTH_FAST: 'off' }]]) {
      const r = await rt.run(args, { env: { BERTH_TRACE: '1', ...env } });
      const traces = [...r.stderr.matchAll(TRACE)].map((m) => m[1]);
      res[k] = { code: r.code, stdout: r.stdout, stderr: r.stderr.replace(TRACE, ''), served: traces.some((t) => t.startsWith('fast: ')) };
    }
    return res;
  }

  /** Same answer both ways, served fast. Times (RFC 3339 in log lines) are masked. */
  async function same(args) {
    const r = await both(args);
    const mask = (s) => s.replace(/time="[^"]+"/g, 'time=T').replace(/"time":"[^"]+"/g, '"time":T');
    assert.equal(r.fast.served, true, `fast path not taken for ${args.join(' ')}`);
    assert.equal(r.oclif.served, false);
    assert.deepEqual({ code: r.fast.code, stdout: r.fast.stdout, stderr: mask(r.fast.stderr) },
      { code: r.oclif.code, stdout: r.oclif.stdout, stderr: mask(r.oclif.stderr) }, args.join(' '));
    return r.fast;
  }

  it('list, state, kill, delete and start of missing containers: same errors and exit codes', async () => {
    await same(['list']);
    await same(['list', '-q']);
    await same(['list', '--format', 'json']);
    for (const cmd of [['state'], ['start'], ['kill'], ['kill', '-a'], ['delete'], ['delete', '-f']]) {
      const r = await same([...cmd, 'no-such']);
      if (cmd[0] !== 'delete' || cmd.length === 1) assert.notEqual(r.code, 0, cmd.join(' '));
    }
    // runc's flags before the command, with --log and a JSON log.
    const log = join(tempDir('fast-log'), 'log.json');
    await same(['--log', log, '--log-format', 'json', 'state', 'no-such']);
  });

  it('the same over a created and a running container, and their start, kill and delete', async () => {
    const b = makeBusyboxBundle({ args: ['sleep', '1000'] });
    const created = rt.newId();
    const running = rt.newId();
    await rt.detach(b, { create: true, id: created });
    await rt.detach(b, { id: running });
    const list = await same(['list']);
    assert.match(list.stdout, new RegExp(`^${created} .* created `, 'm'));
    assert.match(list.stdout, new RegExp(`^${running} .* running `, 'm'));
    await same(['list', '-f', 'json']);
    await same(['list', '--quiet']);
    for (const id of [created, running]) await same(['state', id]);
    await same(['kill', running, '0']);
    await same(['delete', running]); // refused: running
    // The effects, through the fast path: start, then kill and delete -f.
    const fast = (args) => rt.run(args, { env: { BERTH_TRACE: '1' } });
    let r = await fast(['start', created]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /fast: start/);
    assert.equal((await rt.state(created)).status, 'running');
    r = await fast(['kill', running, 'KILL']);
    assert.equal(r.code, 0, r.stderr);
    for (const id of [created, running]) {
      r = await fast(['delete', '--force', id]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /fast: delete/);
      untrackContainer(id, rt.root);
    }
    assert.equal((await fast(['list', '-q'])).stdout, '');
  });

  it('create and run: the same exit status, output and errors both ways', async () => {
    const b = makeBusyboxBundle({ args: ['sh', '-c', 'echo out; echo err >&2; exit 3'] });
    for (const [k, env] of [['fast', {}], ['oclif', { BERTH_FAST: 'off' }]]) {
      const id = rt.newId();
      const r = await rt.run(['run', '--bundle', b.dir, id], { env: { BERTH_TRACE: '1', ...env }, stdio: 'files' });
      assert.equal(r.code, 3, `${k}: ${r.stderr}`);
      assert.equal(r.stdout, 'out\n', k);
      assert.equal(r.stderr.replace(TRACE, ''), 'err\n', k);
      assert.equal(/fast: run/.test(r.stderr), k === 'fast', k);
      untrackContainer(id, rt.root);
    }
    // create (with --pid-file), then start and delete through the fast path; run -d.
    const sleeper = makeBusyboxBundle({ args: ['sleep', '1000'] });
    const pidFile = join(tempDir('fast-pid'), 'pid');
    const created = rt.newId();
    let r = await rt.run(['create', '-b', sleeper.dir, '--pid-file', pidFile, created], { env: { BERTH_TRACE: '1' }, stdio: 'files' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /fast: create/);
    const st = await rt.state(created);
    assert.equal(st.status, 'created');
    assert.equal(readFileSync(pidFile, 'utf8'), String(st.pid));
    const detached = rt.newId();
    r = await rt.run(['run', '-d', '--bundle', sleeper.dir, detached], { env: { BERTH_TRACE: '1' }, stdio: 'files' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await rt.state(detached)).status, 'running');
    for (const id of [created, detached]) {
      assert.equal((await rt.run(['delete', '-f', id])).code, 0);
      untrackContainer(id, rt.root);
    }
    // Errors: a bundle without config.json, an id in use; the same line and status both ways.
    const empty = tempDir('fast-empty');
    await same(['create', '--bundle', empty, 'x1']);
    const taken = rt.newId();
    await rt.detach(sleeper, { id: taken });
    const dup = await same(['run', '-d', '-b', sleeper.dir, taken]);
    assert.notEqual(dup.code, 0);
    await rt.remove(taken);
  });

  it('leaves help, --debug, unknown and repeated flags and missing arguments to oclif', async () => {
    const file = join(tempDir('fast-args'), 'x');
    writeFileSync(file, '');
    for (const args of [['list', '--help'], ['state', '-h'], ['--debug', 'state', 'x'], ['list', '--bogus'], ['list', '-q', '-q'],
      ['state'], ['state', 'a', 'b'], ['list', '--format', 'yaml'], ['--systemd-cgroup', 'list'], ['kill', '--all=x', 'id'],
      ['run', '-d', '--keep', 'x'], ['create', '--preserve-fds', 'two', 'x'], ['run', '--console-socket'],
      // One flag under two spellings; a flag where a value should be; a word of Object.prototype.
      ['list', '-f', 'json', '--format', 'table'], ['create', '-b', 'a', '--bundle', 'b', 'x'], ['list', '--format', '-q'], ['toString', 'list']]) {
      const r = await both(args);
      assert.equal(r.fast.served, false, args.join(' '));
      assert.equal(r.fast.code, r.oclif.code, args.join(' '));
      assert.equal(r.fast.stdout, r.oclif.stdout, args.join(' '));
    }
  });
});
