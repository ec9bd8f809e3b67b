// berth's ctr on a cgroup v2 host: each command runs through test/tools/cgroup2-host/ctr, in a
// mount namespace where /sys/fs/cgroup is the cgroup2 hierarchy (this hybrid machine has it at
// /sys/fs/cgroup/unified), so the CLI, the shim and the init take the host for a v2 one. The
// effects are checked from the host's own view of that hierarchy.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { REPO_ROOT, assertNoLeaks, registerCleanup, runBin, tempDir, trackContainer, uniqueId } from '../lib/index.mjs';
import { unifiedCgroupMount } from '../lib/procfs.mjs';
import { DEMO_IMAGE } from '../../scripts/demo-image.mjs';
import { importDemoImage } from './task-lib.mjs';

const V2_CTR = join(REPO_ROOT, 'test', 'tools', 'cgroup2-host', 'ctr');

const read = (file) => readFileSync(file, 'utf8').trim();
const skip = process.getuid() !== 0 ? 'needs root' : !unifiedCgroupMount() && 'no cgroup2 hierarchy';

describe('ctr on a cgroup v2 host', { skip }, () => {
  registerCleanup();
  const root = tempDir('ctr-v2-root');
  const state = tempDir('ctr-v2-state');
  const ctr = (args, opts = {}) => runBin(V2_CTR, ['--root', root, '--state', state, ...args], { timeout: 60_000, ...opts });
  const newId = () => {
    const id = uniqueId();
    trackContainer({ tool: V2_CTR, root, id, deleteArgs: ['--state', state, 'containers', 'rm', id] });
    trackContainer({ tool: V2_CTR, root, id, deleteArgs: ['--state', state, 'tasks', 'rm', '-f', id] });
    return id;
  };
  const status = async (id) => (await ctr(['t', 'ls'])).stdout.split('\n').find((l) => l.startsWith(`${id} `))?.trim().split(/\s+/)[2];

  before(() => importDemoImage(ctr));

  it('run --rm returns the exit status', async () => {
    const r = await ctr(['run', '--rm', DEMO_IMAGE, newId(), 'sh', '-c', 'echo out; exit 3']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'out\n');
  });

  it('a task lives in /<namespace>/<id> of the unified hierarchy: ls, pause, resume, metrics, kill, rm', async () => {
    const id = newId();
    const started = await ctr(['run', '-d', '--null-io', DEMO_IMAGE, id, 'sleep', '1000']);
    assert.equal(started.code, 0, started.stderr);
    assert.equal(await status(id), 'RUNNING');
    const pid = Number((await ctr(['t', 'ls'])).stdout.split('\n').find((l) => l.startsWith(`${id} `)).trim().split(/\s+/)[1]);
    const cg = read(`/proc/${pid}/cgroup`).split('\n').find((l) => l.startsWith('0::')).slice(3);
    assert.equal(cg, `/default/${id}`);
    const dir = join(unifiedCgroupMount(), cg);
    assert.equal(read(join(dir, 'cgroup.procs')), String(pid));

    assert.equal((await ctr(['t', 'pause', id])).code, 0);
    assert.equal(read(join(dir, 'cgroup.freeze')), '1');
    assert.equal(await status(id), 'PAUSED');
    assert.equal((await ctr(['t', 'resume', id])).code, 0);
    assert.equal(await status(id), 'RUNNING');

    // v2's figures (containerd's v2 metrics shape): the task's one process, its CPU time.
    const m = await ctr(['t', 'metrics', '--format', 'json', id]);
    assert.equal(m.code, 0, m.stderr);
    const metrics = JSON.parse(m.stdout);
    assert.equal(metrics.pids.current, 1);
    assert.ok(metrics.cpu.usage_usec > 0, m.stdout);

    assert.equal((await ctr(['t', 'kill', '-s', 'KILL', id])).code, 0);
    assert.equal((await ctr(['t', 'wait', id])).code, 0);
    const rm = await ctr(['t', 'rm', id]);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal((await ctr(['c', 'rm', id])).code, 0);
    assert.equal(existsSync(dir), false, `cgroup ${dir} left`);
    assertNoLeaks();
  });
});
