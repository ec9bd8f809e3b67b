// Differential tests: one bundle run by berth's runc and by Debian's runc, comparing what the
// container sees (pid, hostname, credentials, capabilities, ignored and blocked signals, rlimits, mounts, /dev, cgroup
// limits, exit code) and what the CLI prints (spec, state and list JSON keys).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  assertNoLeaks, makeBusyboxBundle, parseJson, registerCleanup, runBin, tempDir, untrackContainer,
} from '../lib/index.mjs';
import { BERTH, REAL_RUNC, runtime, skipUnlessRealRunc } from './helpers.mjs';

const SECTIONS = {
  pid: 'echo $$',
  // pid, process group and session: runc's init leads a session of its own.
  session: 'cut -d" " -f1,5,6 /proc/$$/stat',
  hostname: 'hostname',
  status: "grep -E '^(CapEff|CapPrm|CapBnd|CapAmb|CapInh|NoNewPrivs|Seccomp|SigIgn|SigBlk):' /proc/self/status",
  id: 'id',
  ulimit: 'ulimit -a',
  mounts: 'cat /proc/self/mounts',
  dev: 'ls -l /dev | sed "s/ [A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]\\{4,5\\} / DATE /"',
  cgroup: 'for f in memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes pids/pids.max cpu/cpu.shares '
    + 'cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpuset/cpuset.cpus memory.max pids.max cpu.max cpu.weight; do '
    + '[ -e /sys/fs/cgroup/$f ] && echo "$f $(cat /sys/fs/cgroup/$f)"; done; cat /proc/self/cgroup | sed "s/:.*:/:x:/" | sort -u',
  cwd: 'pwd',
  env: 'env | sort',
};

/** One script printing every section between markers, then exiting 3. */
function script() {
  return `${Object.entries(SECTIONS).map(([k, cmd]) => `echo "@@${k}"; ${cmd}`).join('; ')}; exit 3`;
}

function split(stdout) {
  const out = {};
  let cur = null;
  for (const line of stdout.split('\n')) {
    const m = line.match(/^@@(\w+)$/);
    if (m) { cur = m[1]; out[cur] = []; } else if (cur && line !== '') out[cur].push(line);
  }
  return out;
}

/** Mount table as "mountpoint fstype ro|rw", in order. */
function mountsBasic(lines) {
  return lines.map((l) => {
    const [, mp, fs, opts] = l.split(' ');
    return `${mp} ${fs} ${opts.split(',')[0]}`;
  });
}

describe('berth runc vs real runc: the container\'s view', { skip: skipUnlessRealRunc }, () => {
  registerCleanup();
  const ours = runtime(BERTH, 'berth-root');
  const real = runtime(REAL_RUNC, 'real-root');
  const views = {};

  it('runs the same bundle with both runtimes', async () => {
    const b = makeBusyboxBundle({
      args: ['sh', '-c', script()],
      hostname: 'diff-host',
      process: {
        cwd: '/tmp',
        env: ['PATH=/bin:/usr/bin:/sbin', 'TERM=xterm', 'DIFF=1'],
        rlimits: [{ type: 'RLIMIT_NOFILE', soft: 777, hard: 888 }, { type: 'RLIMIT_CORE', soft: 0, hard: 0 }],
      },
      linux: {
        resources: {
          memory: { limit: 96 * 1024 * 1024 },
          pids: { limit: 64 },
          cpu: { shares: 256, quota: 50000, period: 100000 },
        },
      },
    });
    for (const [name, rt] of [['berth', ours], ['runc', real]]) {
      const id = rt.newId();
      const r = await rt.run(['run', '--bundle', b.dir, id]);
      untrackContainer(id, rt.root);
      views[name] = { code: r.code, stderr: r.stderr, ...split(r.stdout.replaceAll(id, '<ID>')) };
    }
    assert.equal(views.runc.stderr, '', 'real runc ran cleanly');
    assert.equal(views.berth.stderr, '');
    assertNoLeaks();
  });

  it('exit code', () => assert.deepEqual([views.berth.code, views.runc.code], [3, 3]));
  for (const key of ['pid', 'session', 'hostname', 'status', 'id', 'ulimit', 'dev', 'cwd', 'env', 'cgroup']) {
    it(key, () => assert.deepEqual(views.berth[key], views.runc[key]));
  }
  it('mounts: the same mount points, fs types and ro/rw, in the same order', () => {
    assert.deepEqual(mountsBasic(views.berth.mounts), mountsBasic(views.runc.mounts));
  });
  it('mounts: identical /proc/self/mounts lines', () => {
    assert.deepEqual(views.berth.mounts, views.runc.mounts);
  });
});

describe('berth runc vs real runc: CLI output', { skip: skipUnlessRealRunc }, () => {
  registerCleanup();

  for (const flags of [[], ['--rootless']]) {
    it(`spec ${flags.join(' ')} is byte-identical`, async () => {
      const a = tempDir('spec-berth');
      const e = tempDir('spec-real');
      const ra = await runBin(BERTH, ['spec', ...flags, '--bundle', a]);
      const re = await runBin(REAL_RUNC, ['spec', ...flags, '--bundle', e]);
      assert.equal(ra.code, 0, ra.stderr);
      assert.equal(re.code, 0, re.stderr);
      assert.equal(readFileSync(join(a, 'config.json'), 'utf8'), readFileSync(join(e, 'config.json'), 'utf8'));
    });
  }

  it('spec refuses to overwrite config.json like runc', async () => {
    const a = tempDir('spec-berth');
    const e = tempDir('spec-real');
    await runBin(BERTH, ['spec', '--bundle', a]);
    await runBin(REAL_RUNC, ['spec', '--bundle', e]);
    const ra = await runBin(BERTH, ['spec', '--bundle', a]);
    const re = await runBin(REAL_RUNC, ['spec', '--bundle', e]);
    assert.equal(re.code, 1);
    assert.equal(ra.code, re.code);
    assert.match(ra.stderr, /File config.json exists\. Remove it first/);
  });

  it('list -f json with no containers', async () => {
    const a = await runtime(BERTH, 'berth-root').run(['list', '-f', 'json']);
    const e = await runtime(REAL_RUNC, 'real-root').run(['list', '-f', 'json']);
    assert.equal(a.stdout, e.stdout);
    assert.equal(a.stdout, 'null\n');
  });

  it('state, list -f json keys and values match for a created container', async (t) => {
    registerCleanup(t);
    const ours = runtime(BERTH, 'berth-root');
    const real = runtime(REAL_RUNC, 'real-root');
    const b = makeBusyboxBundle({ args: ['sleep', '1000'] });
    const a = await ours.detach(b, { create: true });
    const e = await real.detach(b, { create: true });
    const sa = await ours.state(a);
    const se = await real.state(e);
    assert.deepEqual(Object.keys(sa), Object.keys(se));
    const norm = (s) => ({ ...s, id: 'X', pid: 0, created: 'T' });
    assert.deepEqual(norm(sa), norm(se));
    const la = parseJson(await ours.run(['list', '-f', 'json']));
    const le = parseJson(await real.run(['list', '-f', 'json']));
    assert.deepEqual(la.map(norm), le.map(norm));
    await ours.remove(a);
    await real.remove(e);
    assertNoLeaks();
  });
});
