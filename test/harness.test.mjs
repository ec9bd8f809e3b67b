// Proves the e2e harness (bundles, runBin, cleanup, leak checks) against Debian's real runc,
// before berth's own runtime exists.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  ID_PREFIX, REAL_RUNC, assertNoLeaks, cleanupAll, deepMerge, findLeaks, makeBusyboxBundle,
  parseJson, registerCleanup, runBin, tempDir, trackContainer, uniqueId,
} from './lib/index.mjs';

const skip = process.getuid?.() !== 0 ? 'needs root' : !existsSync(REAL_RUNC) ? `no ${REAL_RUNC}` : false;

describe('test harness with Debian runc', { skip }, () => {
  registerCleanup();
  const root = tempDir('runc-root');

  it('deepMerge merges objects, replaces arrays, deletes on null', () => {
    const a = { x: { y: 1, z: [1, 2] }, k: 1 };
    deepMerge(a, { x: { z: [3] }, k: null, n: { m: 1 } });
    assert.deepEqual(a, { x: { y: 1, z: [3] }, n: { m: 1 } });
  });

  it('builds a busybox bundle', () => {
    const b = makeBusyboxBundle({ args: ['echo', 'hi'], hostname: 'harness', linux: { sysctl: null } });
    assert.equal(lstatSync(join(b.rootfs, 'bin/busybox')).isFile(), true);
    assert.equal(readlinkSync(join(b.rootfs, 'bin/sh')), '/bin/busybox');
    assert.equal(readlinkSync(join(b.rootfs, 'bin/sleep')), '/bin/busybox');
    assert.match(readFileSync(join(b.rootfs, 'etc/passwd'), 'utf8'), /^berth:x:1000:1000:/m);
    assert.equal(lstatSync(join(b.rootfs, 'tmp')).mode & 0o7777, 0o1777);
    const cfg = JSON.parse(readFileSync(b.configPath, 'utf8'));
    assert.deepEqual(cfg.process.args, ['echo', 'hi']);
    assert.equal(cfg.process.terminal, false);
    assert.equal(cfg.hostname, 'harness');
    assert.equal(cfg.root.path, 'rootfs');
  });

  it('runc run echoes hello in the foreground', async () => {
    const b = makeBusyboxBundle({ args: ['echo', 'hello'] });
    const id = trackContainer({ tool: REAL_RUNC, root, id: uniqueId() });
    const r = await runBin(REAL_RUNC, ['--root', root, 'run', '--bundle', b.dir, id], { timeout: 20_000 });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'hello\n');
    assertNoLeaks();
  });

  it('runc run -d keeps a container running until delete -f', async () => {
    const b = makeBusyboxBundle({ args: ['sleep', '1000'] });
    const id = trackContainer({ tool: REAL_RUNC, root, id: uniqueId() });
    const r = await runBin(REAL_RUNC, ['--root', root, 'run', '-d', '--bundle', b.dir, id], { stdio: 'files' });
    assert.equal(r.code, 0, r.stderr);
    const st = parseJson(await runBin(REAL_RUNC, ['--root', root, 'state', id]));
    assert.equal(st.id, id);
    assert.equal(st.status, 'running');
    assert.ok(st.pid > 0);
    // The leak check must see the running container (positive control).
    const leaks = findLeaks();
    assert.ok(leaks.processes.some((p) => p.startsWith(`pid ${st.pid} `)), JSON.stringify(leaks));
    assert.ok(leaks.cgroups.some((c) => c.endsWith(`/${id}`)), JSON.stringify(leaks));
    const del = await runBin(REAL_RUNC, ['--root', root, 'delete', '-f', id]);
    assert.equal(del.code, 0, del.stderr);
    const gone = await runBin(REAL_RUNC, ['--root', root, 'state', id]);
    assert.notEqual(gone.code, 0);
    assertNoLeaks();
  });

  it('cleanupAll removes a container a test forgot', async () => {
    const b = makeBusyboxBundle({ args: ['sleep', '1000'] });
    const id = trackContainer({ tool: REAL_RUNC, root, id: uniqueId() });
    const r = await runBin(REAL_RUNC, ['--root', root, 'create', '--bundle', b.dir, id], { stdio: 'files' });
    assert.equal(r.code, 0, r.stderr);
    const st = parseJson(await runBin(REAL_RUNC, ['--root', root, 'state', id]));
    assert.equal(st.status, 'created');
    assert.notEqual(findLeaks().processes.length, 0);
    assert.deepEqual(cleanupAll(), []);
    assert.equal(existsSync(b.dir), false, 'bundle dir removed');
    assertNoLeaks();
  });

  it('runBin passes stdin, kills on timeout, and reports a missing binary', async () => {
    const cat = await runBin('/bin/cat', [], { input: 'abc' });
    assert.deepEqual([cat.code, cat.stdout], [0, 'abc']);
    const slow = await runBin('/bin/sleep', ['30'], { timeout: 200 });
    assert.equal(slow.timedOut, true);
    assert.equal(slow.signal, 'SIGKILL');
    const missing = await runBin('/nonexistent/berth-tool', []);
    assert.equal(missing.code, null);
    assert.match(missing.stderr, /ENOENT/);
    const files = await runBin('/bin/sh', ['-c', 'echo out; echo err >&2; exit 3'], { stdio: 'files' });
    assert.deepEqual([files.code, files.stdout, files.stderr], [3, 'out\n', 'err\n']);
  });

  it('ids carry the per-process prefix', () => {
    assert.match(uniqueId(), new RegExp(`^${ID_PREFIX}\\d+$`));
    assert.match(ID_PREFIX, /^berth-t-\d+-$/);
  });
});
