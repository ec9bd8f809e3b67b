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
  BERTH, assertOneLineError, createFails as createFailsWith, editedBundle, runtime, rwBundle, skipUnlessRoot,
} from './helpers.mjs';
import { defineHookTests } from './hooks-lib.mjs';

defineHookTests('berth', BERTH, skipUnlessRoot, ['failing-prestart']);

describe('hook failures (from bad-input.test.mjs)', { skip: skipUnlessRoot }, () => {
  registerCleanup();
  const rt = runtime();
  const createFails = (b, re, id) => createFailsWith(rt, b, re, id);

  const edit = editedBundle;

  it('a failing createRuntime hook', async (t) => {
    registerCleanup(t);
    const b = edit((s) => {
      s.hooks = { createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', 'cat > /dev/null; exit 4'] }] };
    });
    await createFails(b, /hook.*exit status 4/);
  });

  // The init killed while it waits for the parent (here by the hook, which has its pid): the
  // parent reads EOF (or EPIPE) on the sync socket and names how it ended.
  it('an init that dies before it is ready', async (t) => {
    registerCleanup(t);
    const b = edit((s) => {
      s.hooks = { createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', 'kill -9 $(sed -n \'s/.*"pid":\\([0-9]*\\).*/\\1/p\')'] }] };
    });
    await createFails(b, /container init exited before it was ready \(signal SIGKILL\)/);
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
