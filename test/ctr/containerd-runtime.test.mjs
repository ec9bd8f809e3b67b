// berth's runc in runc's place under containerd: Debian's containerd 1.6 and its
// containerd-shim-runc-v2 drive `bin/runc` (ctr run --runc-binary), as a node would with
// BinaryName set in its runtime options. The same ctr command lines run once with Debian's runc and
// once with berth's, and must give the same exit codes, output and task states. The shim calls the
// runtime with `--root /run/containerd/runc/<ns> --log <bundle>/log.json --log-format json`, hands
// it /dev/null opened read-only for --null-io, a console socket for -t, and `exec --process FILE
// --detach`, `ps --format json`, `pause`, `resume`, `kill`, `delete --force`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REAL_RUNC, binPath, registerCleanup, runBin, tempDir, trackCgroup, uniqueId } from '../lib/index.mjs';
import { REAL_CTR, skipWithoutContainerd, startContainerd } from '../lib/containerd.mjs';
import { DEMO_IMAGE, writeBusyboxArchive } from '../../scripts/demo-image.mjs';

const skip = skipWithoutContainerd || (process.getuid() !== 0 ? 'needs root' : false);

// A namespace of this run's own: the shim keeps runtime state in /run/containerd/runc/<ns>, a
// host-wide path, removed after.
const NS = `berthrt${process.pid}`;
const RUNC_ROOT = `/run/containerd/runc/${NS}`;
const RUNTIMES = { real: REAL_RUNC, berth: binPath('runc') };

describe("berth's runc as containerd's runtime (ctr run --runc-binary)", { skip }, () => {
  registerCleanup();
  // The namespace's own cgroup (/<NS>, the tasks' parent) is left by both runtimes: ours to remove.
  trackCgroup(NS);
  let cd;
  const ctr = (args, opts = {}) => cd.ctr(args, { namespace: NS, ...opts });
  /** `ctr run` with the given runtime; `flags` go before the image. */
  const run = (runtime, flags, id, cmd) => ctr(['run', '--runc-binary', RUNTIMES[runtime], ...flags, DEMO_IMAGE, id, ...cmd]);
  /** The same thing with each runtime: { real, berth }. */
  const both = async (fn) => ({ real: await fn('real'), berth: await fn('berth') });
  const ids = () => { const base = uniqueId(); return { real: `r${base}`, berth: `b${base}` }; };

  before(async () => {
    cd = await startContainerd();
    const archive = join(tempDir('image'), 'busybox-oci.tar');
    writeBusyboxArchive(archive);
    const r = await ctr(['images', 'import', archive]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await cd?.stop();
    rmSync(RUNC_ROOT, { recursive: true, force: true });
  });

  it('run --rm: stdout and stderr kept apart, the exit status returned', async () => {
    const id = ids();
    const r = await both((rt) => run(rt, ['--rm'], id[rt], ['sh', '-c', 'echo out; echo err >&2; exit 7']));
    for (const rt of ['real', 'berth']) {
      assert.equal(r[rt].code, 7, `${rt}: ${r[rt].stderr}`);
      assert.equal(r[rt].stdout, 'out\n', rt);
      assert.equal(r[rt].stderr, 'err\n', rt);
    }
  });

  it('run -d --null-io, then t ls, exec, ps, pause/resume, kill and delete give the same answers', { timeout: 120_000 }, async () => {
    const id = ids();
    const started = await both((rt) => run(rt, ['-d', '--null-io'], id[rt], ['sleep', '1000']));
    for (const rt of ['real', 'berth']) assert.equal(started[rt].code, 0, `${rt}: ${started[rt].stderr}`);

    const status = async (rt) => {
      const line = (await ctr(['t', 'ls'])).stdout.split('\n').find((l) => l.startsWith(`${id[rt]} `));
      return line?.trim().split(/\s+/)[2];
    };
    assert.deepEqual(await both(status), { real: 'RUNNING', berth: 'RUNNING' });

    // berth's runc reads the state it wrote under the shim's --root.
    const state = await runBin('runc', ['--root', RUNC_ROOT, 'state', id.berth]);
    assert.equal(state.code, 0, state.stderr);
    assert.equal(JSON.parse(state.stdout).status, 'running');

    const exec = await both((rt) => ctr(['t', 'exec', '--exec-id', 'e1', id[rt], 'sh', '-c', 'echo in; exit 3']));
    for (const rt of ['real', 'berth']) {
      assert.equal(exec[rt].code, 3, `${rt}: ${exec[rt].stderr}`);
      assert.equal(exec[rt].stdout, 'in\n', rt);
    }

    const ps = await both((rt) => ctr(['t', 'ps', id[rt]]));
    for (const rt of ['real', 'berth']) {
      assert.equal(ps[rt].code, 0, ps[rt].stderr);
      assert.deepEqual(ps[rt].stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)[1]), ['INFO', '-'], rt);
    }

    for (const [verb, want] of [['pause', 'PAUSED'], ['resume', 'RUNNING']]) {
      const r = await both((rt) => ctr(['t', verb, id[rt]]));
      for (const rt of ['real', 'berth']) assert.equal(r[rt].code, 0, `${verb} ${rt}: ${r[rt].stderr}`);
      assert.deepEqual(await both(status), { real: want, berth: want }, verb);
    }

    // A running task cannot be deleted; after SIGKILL it can, with the same exit status.
    const early = await both((rt) => ctr(['t', 'rm', id[rt]]));
    assert.equal(early.berth.code, early.real.code);
    assert.notEqual(early.berth.code, 0);
    await both((rt) => ctr(['t', 'kill', '-s', 'SIGKILL', id[rt]]));
    for (let i = 0; i < 100; i++) {
      const s = await both(status);
      if (s.real === 'STOPPED' && s.berth === 'STOPPED') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.deepEqual(await both(status), { real: 'STOPPED', berth: 'STOPPED' });
    const removed = await both((rt) => ctr(['t', 'rm', id[rt]]));
    assert.deepEqual({ real: removed.real.code, berth: removed.berth.code }, { real: 0, berth: 0 });
    assert.equal(removed.berth.stdout, removed.real.stdout.replace(id.real, id.berth));
    const crm = await both((rt) => ctr(['c', 'rm', id[rt]]));
    assert.deepEqual({ real: crm.real.code, berth: crm.berth.code }, { real: 0, berth: 0 });
    // The runtime's delete left nothing under the shim's root.
    assert.equal(existsSync(join(RUNC_ROOT, id.berth)), false);
  });

  it('-t: a terminal from the console socket, the exit status returned', async () => {
    const id = ids();
    const inPty = (rt) => spawnSync('script', ['-qec', [REAL_CTR, '--address', cd.address, '-n', NS, 'run', '--rm', '-t',
      '--runc-binary', RUNTIMES[rt], DEMO_IMAGE, id[rt], 'sh', '-c', "'test -t 0 && test -t 1 && tty; exit 5'"].join(' '), '/dev/null'],
    { encoding: 'utf8', timeout: 60_000 });
    const r = { real: inPty('real'), berth: inPty('berth') };
    for (const rt of ['real', 'berth']) {
      assert.equal(r[rt].status, 5, `${rt}: ${r[rt].stdout}${r[rt].stderr}`);
      assert.match(r[rt].stdout, /\/dev\/pts\/0/, rt);
    }
  });

  it("a command missing from the image: both refuse the start, berth's error names it", async () => {
    const id = ids();
    const r = await both((rt) => run(rt, ['--rm'], id[rt], ['/no/such/program']));
    for (const rt of ['real', 'berth']) assert.notEqual(r[rt].code, 0, rt);
    assert.equal(r.berth.code, r.real.code);
    assert.match(r.berth.stderr, /\/no\/such\/program/);
    await both((rt) => ctr(['c', 'rm', id[rt]]));
  });
});
