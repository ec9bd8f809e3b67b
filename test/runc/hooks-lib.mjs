// OCI hook tests shared by hooks-io.test.mjs and known-failing.test.mjs.txt: each hook is a
// busybox sh script that logs its name and the status from the state on its stdin.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUSYBOX, assertNoLeaks, registerCleanup, untrackContainer } from '../lib/index.mjs';
import { REAL_RUNC, readOr, runtime, rwBundle, stateDirExists, waitFor } from './helpers.mjs';

/** A hook that appends "<name> <status>" to <dir>/log and saves its stdin as <dir>/<name>.json. */
function hook(name, dir, busybox = BUSYBOX) {
  const script = `st=$(cat); s=$(echo "$st" | sed -n 's/.*"status": *"\\([a-z]*\\)".*/\\1/p'); `
    + `echo "$0 $s" >> ${dir}/log; echo "$st" > ${dir}/$0.json`;
  return { path: busybox, args: ['busybox', 'sh', '-c', script, name], env: ['PATH=/bin:/usr/bin'] };
}

function hookBundle(args) {
  const b = rwBundle(args);
  mkdirSync(join(b.rootfs, 'hooks'), { mode: 0o777 });
  const host = join(b.rootfs, 'hooks');
  b.spec.hooks = {
    prestart: [hook('prestart', host)],
    createRuntime: [hook('createRuntime', host)],
    createContainer: [hook('createContainer', host)],
    // startContainer runs inside the container: its path and log resolve in the rootfs.
    startContainer: [hook('startContainer', '/hooks', '/bin/busybox')],
    poststart: [hook('poststart', host)],
    poststop: [hook('poststop', host)],
  };
  b.write();
  return { b, host };
}

// The runtime spec's lifecycle order and states: createContainer runs during
// create (creating), startContainer just before the user program (created), poststart after
// start (running), poststop at delete (stopped).
const HOOK_ORDER = [
  'prestart creating', 'createRuntime creating', 'createContainer creating',
  'startContainer created', 'poststart running', 'poststop stopped',
];
// runc up to 1.4 runs poststart hooks at the end of create, not after start (moved to start
// by opencontainers/runc#5186, 2026).
const RUNC_OLD_ORDER = [
  'prestart creating', 'createRuntime creating', 'createContainer creating',
  'poststart created', 'startContainer created', 'poststop stopped',
];
const realRuncIsOld = existsSync(REAL_RUNC)
  && /^runc version 1\.[0-4]\./.test(spawnSync(REAL_RUNC, ['--version'], { encoding: 'utf8' }).stdout ?? '');

/**
 * The hook tests for one runtime; `names` picks which of them to define (all by default), so
 * that a test berth fails can live in known-failing.test.mjs.txt while real runc still runs it.
 */
export function defineHookTests(label, tool, skip, names = null) {
  const want = (name) => names === null || names.includes(name);
  describe(`hooks with ${label}`, { skip }, () => {
    registerCleanup();
    const rt = runtime(tool);
    const order = tool === REAL_RUNC && realRuncIsOld ? RUNC_OLD_ORDER : HOOK_ORDER;

    if (want('order-run')) it('run calls every hook in order with the state on stdin', async (t) => {
      registerCleanup(t);
      const { b, host } = hookBundle(['true']);
      const id = rt.newId();
      const r = await rt.run(['run', '--bundle', b.dir, id]);
      assert.equal(r.code, 0, r.stderr);
      untrackContainer(id, rt.root);
      assert.deepEqual((readOr(join(host, 'log'), '') ?? '').trim().split('\n'), order);
      for (const name of order.map((l) => l.split(' ')[0])) {
        const st = JSON.parse(readFileSync(join(host, `${name}.json`), 'utf8'));
        assert.equal(st.id, id, name);
        assert.equal(st.bundle, b.dir, name);
        assert.equal(typeof st.ociVersion, 'string', name);
        if (name !== 'poststop') assert.ok(st.pid > 0, `${name} pid ${st.pid}`);
      }
      assertNoLeaks();
    });

    if (want('order-create-start')) it('create runs only the creation hooks; start and delete run the rest', async (t) => {
      registerCleanup(t);
      const { b, host } = hookBundle(['sleep', '1000']);
      const id = await rt.detach(b, { create: true });
      const log = () => (readOr(join(host, 'log'), '') ?? '').trim().split('\n');
      const afterCreate = order === RUNC_OLD_ORDER ? 4 : 3;
      assert.deepEqual(log(), order.slice(0, afterCreate));
      const s = await rt.run(['start', id]);
      assert.equal(s.code, 0, s.stderr);
      await waitFor(() => log().length >= 5, 'startContainer and poststart');
      assert.deepEqual(log(), order.slice(0, 5));
      await rt.remove(id);
      assert.deepEqual(log(), order);
      assertNoLeaks();
    });

    if (want('failing-prestart')) it('a failing prestart hook fails create and leaves nothing behind', async (t) => {
      registerCleanup(t);
      const b = rwBundle(['sleep', '1000'], {
        hooks: { prestart: [{ path: BUSYBOX, args: ['busybox', 'sh', '-c', 'cat > /dev/null; echo hook-broke >&2; exit 3'] }] },
      });
      const id = rt.newId();
      const r = await rt.run(['create', '--bundle', b.dir, id], { stdio: 'files' });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /hook/i);
      assert.match(r.stderr, /exit status 3/);
      assert.equal(stateDirExists(rt.root, id), false, 'no state dir');
      untrackContainer(id, rt.root);
      assertNoLeaks();
    });
  });
}

