// berth's runc on a cgroup v2 host. This machine is hybrid (v1 hierarchies, cgroup2 beside them at
// /sys/fs/cgroup/unified); each command here runs through test/tools/cgroup2-host/, where
// /sys/fs/cgroup is the cgroup2 hierarchy, so berth takes the host for a v2 one. The effects are
// checked from the host's own view of that hierarchy.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, assertNoLeaks, parseJson, registerCleanup, untrackContainer } from '../lib/index.mjs';
import { unifiedCgroupMount } from '../lib/procfs.mjs';
import { assertOneLineError, killAndDelete, runtime, rwBundle, skipUnlessRoot, stateDirExists } from './helpers.mjs';

const V2_RUNC = join(REPO_ROOT, 'test', 'tools', 'cgroup2-host', 'runc');

/** The init's cgroup in the unified hierarchy (its `0::` line). */
function unifiedCgroup(pid) {
  return readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'))?.slice(3);
}

const read = (file) => readFileSync(file, 'utf8').trim();

describe('runc on a cgroup v2 host', { skip: skipUnlessRoot || (!unifiedCgroupMount() && 'no cgroup2 hierarchy') }, () => {
  registerCleanup();
  const rt = runtime(V2_RUNC, 'runc-v2-root');
  const host = unifiedCgroupMount();

  it('run -d, ps, pause, resume, kill and delete work on the unified hierarchy', async (t) => {
    registerCleanup(t);
    const id = await rt.detach(rwBundle(['sleep', '1000']));
    const s = await rt.state(id);
    assert.equal(s.status, 'running');
    const dir = join(host, unifiedCgroup(s.pid));
    assert.equal(unifiedCgroup(s.pid), `/${id}`, 'the container cgroup is named after it, in the unified hierarchy');
    assert.equal(read(join(dir, 'cgroup.procs')), String(s.pid));
    const ps = await rt.run(['ps', '-f', 'json', id]);
    assert.deepEqual(parseJson(ps), [s.pid]);

    assert.equal((await rt.run(['pause', id])).code, 0);
    assert.equal(read(join(dir, 'cgroup.freeze')), '1');
    assert.match(read(join(dir, 'cgroup.events')), /^frozen 1$/m);
    assert.equal((await rt.state(id)).status, 'paused');
    const listed = parseJson(await rt.run(['list', '-f', 'json']));
    assert.deepEqual(listed.map((c) => [c.id, c.status]), [[id, 'paused']]);
    assert.equal((await rt.run(['resume', id])).code, 0);
    assert.equal(read(join(dir, 'cgroup.freeze')), '0');
    assert.equal((await rt.state(id)).status, 'running');

    await killAndDelete(rt, id);
    assert.equal(existsSync(dir), false, `cgroup ${dir} left`);
    assert.equal(stateDirExists(rt.root, id), false);
    assertNoLeaks();
  });

  it('a pids limit is set in pids.max, or refused in one line when the hierarchy has no pids controller', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sleep', '1000'], { linux: { resources: { pids: { limit: 42 } } } });
    if (read(join(host, 'cgroup.controllers')).split(/\s+/).includes('pids')) {
      // A real v2 host: the limit is applied.
      const id = await rt.detach(b);
      const s = await rt.state(id);
      assert.equal(read(join(host, unifiedCgroup(s.pid), 'pids.max')), '42');
      await rt.remove(id);
    } else {
      // This hybrid machine: pids is bound to its v1 hierarchy, so v2 cannot offer it.
      const id = rt.newId();
      const r = await rt.run(['run', '-d', '--bundle', b.dir, id], { stdio: 'files' });
      assertOneLineError(r, /pids/);
      assert.equal(stateDirExists(rt.root, id), false, 'no state left');
      assert.equal(existsSync(join(host, id)), false, 'no cgroup left');
      untrackContainer(id, rt.root);
    }
    assertNoLeaks();
  });
});
