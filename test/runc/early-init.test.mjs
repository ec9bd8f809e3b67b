// runc's launcher starts the init stage of `run` and `create` before the CLI's own Node
// (packages/runc/bin/early-init.sh, core/src/runtime/early-init.ts). The CLI takes it over with
// pidfd_getfd and makes it its child, or kills it when the command line was only a look-alike or
// failed first. What is checked: it is used, the container sees what a spawned init gives it
// (stdin, pid 1, no blocked or ignored signals from sh or unshare), and no early init or unshare
// outlives the command.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { earlyLeftovers, traced } from '../lib/early.mjs';
import { join } from 'node:path';
import { makeBusyboxBundle, registerCleanup, tempDir } from '../lib/index.mjs';
import { runtime, skipUnlessRoot } from './helpers.mjs';

describe('runc early init', { skip: skipUnlessRoot }, () => {
  registerCleanup();
  const rt = runtime();
  const trace = { BERTH_TRACE: '1' };

  it('run takes the init its launcher started: stdin, pid 1 and default signal masks reach the container', async () => {
    const b = makeBusyboxBundle({ args: ['sh', '-c', 'read line; echo "got $line pid=$$"'] });
    const r = await rt.run(['run', '--bundle', b.dir, rt.newId()], { input: 'hello\n', env: trace });
    assert.equal(r.code, 0, r.stderr);
    const t = traced(r.stderr);
    assert.ok(t.says('early init: claimed'), `the early init was not used:\n${r.stderr}`);
    // Its young generation emptied while it waited for the CLI (core/src/util/young-gen.ts).
    assert.ok(t.says('init: young generation settled'), r.stderr);
    assert.match(r.stdout, /^got hello pid=1$/m);
    assert.deepEqual(earlyLeftovers(t.cli), []);
    // sh ignores SIGINT/SIGQUIT in a background command and unshare blocks SIGINT/SIGTERM for
    // itself: none of it may reach the container's program (grep itself: busybox sh ignores
    // SIGQUIT as PID 1, under Debian's runc too).
    b.spec.process.args = ['grep', '-E', '^Sig(Blk|Ign)', '/proc/self/status'];
    b.write();
    const g = await rt.run(['run', '--bundle', b.dir, rt.newId()], { env: trace });
    assert.equal(g.code, 0, g.stderr);
    assert.ok(traced(g.stderr).says('early init: claimed'));
    assert.match(g.stdout, /^SigBlk:\s+0+$/m);
    assert.match(g.stdout, /^SigIgn:\s+0+$/m);
  });

  it('create and start with the early init: the container runs its program at start', async () => {
    const b = makeBusyboxBundle({ args: ['sleep', '1000'] });
    const id = rt.newId();
    const r = await rt.run(['create', '--bundle', b.dir, id], { stdio: 'files', env: trace });
    assert.equal(r.code, 0, r.stderr);
    const t = traced(readFileSync(r.stderrPath, 'utf8'));
    assert.ok(t.says('early init: claimed'));
    assert.equal((await rt.state(id)).status, 'created');
    assert.equal((await rt.run(['start', id])).code, 0);
    assert.equal((await rt.state(id)).status, 'running');
    await rt.remove(id);
  });

  it('a command line that only looks like run or create kills the early init', async () => {
    const r = await rt.run(['state', 'create'], { env: trace });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /container create does not exist|does not exist/);
    const t = traced(r.stderr);
    assert.ok(t.says('early init: discarded'), r.stderr);
    assert.deepEqual(earlyLeftovers(t.cli), []);
  });

  it('a word inside an argument is no command: no early init starts', async () => {
    const file = join(tempDir('early trace'), 'trace with spaces.log');
    const r = await rt.run(['state', 'npm run test'], { env: { BERTH_TRACE: '1', BERTH_TRACE_FILE: file } });
    assert.notEqual(r.code, 0);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[2]));
    assert.ok(lines.length > 0);
    assert.deepEqual(lines.filter((pid) => pid !== lines[0]), [], 'only the CLI traced');
  });

  it('a trace file whose path holds spaces reaches the early init', async () => {
    const file = join(tempDir('early trace'), 'trace with spaces.log');
    const b = makeBusyboxBundle({ args: ['true'] });
    const r = await rt.run(['run', '--bundle', b.dir, rt.newId()], { env: { BERTH_TRACE: '1', BERTH_TRACE_FILE: file } });
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(file, 'utf8');
    assert.match(text, / early init: claimed /);
    assert.match(text, / 1 init: ready/);
  });

  it('a create that fails before it takes its init (an id in use) leaves none behind', async () => {
    const b = makeBusyboxBundle({ args: ['sleep', '1000'] });
    const id = rt.newId();
    await rt.detach(b, { create: true, id });
    const r = await rt.run(['create', '--bundle', b.dir, id], { stdio: 'files', env: trace });
    assert.equal(r.code, 1);
    const t = traced(readFileSync(r.stderrPath, 'utf8'));
    assert.ok(t.says('early init: discarded'));
    assert.deepEqual(earlyLeftovers(t.cli), []);
    await rt.remove(id);
  });

  it('a spec the early init does not fit (no PID namespace of its own) gets a spawned init', async () => {
    const b = makeBusyboxBundle({ args: ['sh', '-c', 'echo pid=$$'] });
    b.spec.linux.namespaces = b.spec.linux.namespaces.filter((n) => n.type !== 'pid');
    b.write();
    const r = await rt.run(['run', '--bundle', b.dir, rt.newId()], { env: trace });
    assert.equal(r.code, 0, r.stderr);
    const t = traced(r.stderr);
    assert.ok(t.says('early init: discarded'));
    assert.doesNotMatch(r.stdout, /^pid=1$/m); // the host's PID namespace
    assert.deepEqual(earlyLeftovers(t.cli), []);
  });
});
