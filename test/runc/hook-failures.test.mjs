// A failing prestart/createRuntime hook: one error line from the parent and nothing left behind.
// The init once wrote a second line of its own when the parent had already closed the sync
// socket (seen ~1 in 30 runs, 3 in 60 with 4 concurrent creates: the race test below); the
// init now exits silently when the parent stopped it (ParentAbort in runtime/sync.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertNoLeaks, registerCleanup, untrackContainer,
} from '../lib/index.mjs';
import {
  BERTH, runtime, rwBundle, skipUnlessRoot, stateDirExists,
} from './helpers.mjs';
import { defineHookTests } from './hooks-lib.mjs';

defineHookTests('berth', BERTH, skipUnlessRoot, ['failing-prestart']);

describe('hook failures (from bad-input.test.mjs)', { skip: skipUnlessRoot }, () => {
  registerCleanup();
  const rt = runtime();

  /** runc's error line: `time=... level=error msg="..."`. One line, matching `re`. */
  function assertOneLineError(r, re) {
    assert.notEqual(r.code, 0, `expected a failure, got exit 0: ${r.stdout}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one error line expected:\n${r.stderr}`);
    assert.match(lines[0], /level=error msg=/);
    assert.match(lines[0], re);
  }

  async function createFails(b, re, id = rt.newId()) {
    const r = await rt.run(['create', '--bundle', b.dir, id], { stdio: 'files' });
    assertOneLineError(r, re);
    assert.equal(stateDirExists(rt.root, id), false, `state dir left for ${id}`);
    untrackContainer(id, rt.root);
    assertNoLeaks();
    return r;
  }

  const edit = (mutate) => {
    const b = rwBundle(['sleep', '1000']);
    mutate(b.spec);
    b.write();
    return b;
  };

  it('a failing createRuntime hook', async (t) => {
    registerCleanup(t);
    const b = edit((s) => {
      s.hooks = { createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', 'cat > /dev/null; exit 4'] }] };
    });
    await createFails(b, /hook.*exit status 4/);
  });

  it('a hook whose binary does not exist', async (t) => {
    registerCleanup(t);
    const b = edit((s) => { s.hooks = { prestart: [{ path: '/no/such/hook' }] }; });
    await createFails(b, /\/no\/such\/hook/);
  });

  // A hook that exits without reading its stdin (more state than a pipe buffer holds).
  it('a failing hook that does not read its stdin', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sleep', '1000'], {
      annotations: { 'org.berth.big': 'x'.repeat(256 * 1024) },
      hooks: { createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', 'exit 4'] }] },
    });
    await createFails(b, /hook.*exit status 4/);
  });

  it('a missing hook binary, 4 creates at a time (the race)', async (t) => {
    registerCleanup(t);
    const b = edit((s) => { s.hooks = { prestart: [{ path: '/no/such/hook' }] }; });
    for (let round = 0; round < 12; round += 1) {
      const ids = [0, 1, 2, 3].map(() => rt.newId());
      const rs = await Promise.all(ids.map((id) => rt.run(['create', '--bundle', b.dir, id], { stdio: 'files' })));
      for (const r of rs) assertOneLineError(r, /\/no\/such\/hook/);
      for (const id of ids) untrackContainer(id, rt.root);
    }
    assertNoLeaks();
  });
});
