// Tests of the cgroup managers (packages/core/src/cgroups), against the real cgroupfs of this
// host. Build first: `npx tsc -b packages/core`. Run as root: `node --test packages/core/test/cgroups.test.mjs`.
// Every cgroup made here has a unique name and is removed in `after`, even when a test fails.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const dist = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist', 'cgroups');
const cg = require(path.join(dist, 'index.js'));
const { V2Manager } = require(path.join(dist, 'v2.js'));
const { cleanPath } = require(path.join(dist, 'cleanpath.js'));
const { parseMountinfo, findV1Mount, mountAt } = require(path.join(dist, 'mountinfo.js'));
const { parseProcCgroup } = require(path.join(dist, 'proccgroup.js'));
const { hugePageSizeName } = require(path.join(dist, 'convert.js'));
const { deviceRules } = require(path.join(dist, 'devices.js'));
const { emptyStats } = require(path.join(dist, 'stats.js'));
const { parseCpuList } = require(path.join(dist, 'v1-stats.js'));

const isRoot = process.getuid?.() === 0;
const unique = `${process.pid}-${Date.now().toString(36)}`;
const read = (dir, file) => fs.readFileSync(path.join(dir, file), 'utf8').trim();

/** Removes a cgroup directory tree, children first; missing is fine. */
function rmTree(dir) {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) rmTree(path.join(dir, e.name));
  try { fs.rmdirSync(dir); } catch { /* reported by the test that left it */ }
}

function startSleep() {
  const child = spawn('sleep', ['300'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited };
}

function procState(pid) {
  const m = /^State:\s+(\S)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1];
}

describe('parsing and conversions', () => {
  test('cleanPath keeps relative paths from climbing out', () => {
    assert.equal(cleanPath(''), '');
    assert.equal(cleanPath('/a/../b/'), '/b');
    assert.equal(cleanPath('../../x/y'), 'x/y');
    assert.equal(cleanPath('a/./b//c'), 'a/b/c');
    assert.equal(cleanPath('/../..'), '/');
  });

  test('mountinfo: cgroup v1 mounts, joined controllers, escapes', () => {
    const mi = parseMountinfo([
      '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct',
      '40 31 0:37 /docker/x /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd',
      '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
      '50 23 0:40 / /mnt/with\\040space rw - tmpfs tmpfs rw',
    ].join('\n'));
    assert.equal(findV1Mount(mi, 'cpuacct').mountPoint, '/sys/fs/cgroup/cpu,cpuacct');
    assert.equal(findV1Mount(mi, 'name=systemd').root, '/docker/x');
    assert.equal(findV1Mount(mi, 'memory'), undefined);
    assert.equal(mountAt(mi, '/sys/fs/cgroup/unified').fsType, 'cgroup2');
    assert.equal(mi[3].mountPoint, '/mnt/with space');
  });

  test('/proc/<pid>/cgroup parsing', () => {
    const m = parseProcCgroup('12:cpu,cpuacct:/a\n1:name=systemd:/user.slice\n0::/b/c\n');
    assert.equal(m.get('cpu'), '/a');
    assert.equal(m.get('cpuacct'), '/a');
    assert.equal(m.get('name=systemd'), '/user.slice');
    assert.equal(m.get(''), '/b/c');
  });

  test('v1 -> v2 conversions as runc 1.1', () => {
    assert.equal(cg.cpuSharesToWeight(0), 0);
    assert.equal(cg.cpuSharesToWeight(2), 1);
    assert.equal(cg.cpuSharesToWeight(1024), 39);
    assert.equal(cg.cpuSharesToWeight(262144), 10000);
    assert.equal(cg.blkioWeightToIoWeight(10), 1);
    assert.equal(cg.blkioWeightToIoWeight(500), 4950);
    assert.equal(cg.blkioWeightToIoWeight(1000), 10000);
    assert.equal(cg.memorySwapToV2(0, 100), 0);
    assert.equal(cg.memorySwapToV2(-1, 100), -1);
    assert.equal(cg.memorySwapToV2(0, -1), -1);
    assert.equal(cg.memorySwapToV2(300, 100), 200);
    assert.throws(() => cg.memorySwapToV2(50, 100), /must be >= memory limit/);
    assert.throws(() => cg.memorySwapToV2(50, 0), /without a memory limit/);
    assert.equal(hugePageSizeName('hugepages-2048kB'), '2MB');
    assert.equal(hugePageSizeName('hugepages-1048576kB'), '1GB');
    assert.equal(hugePageSizeName('hugepages-64kB'), '64KB');
    assert.deepEqual(parseCpuList('0-2,5\n'), [0, 1, 2, 5]);
  });

  test('device rules: OCI -> devices.allow/deny lines', () => {
    assert.deepEqual(deviceRules([
      { allow: false, access: 'rwm' },
      { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
      { allow: true, type: 'b', major: 8, access: 'r' },
    ]), [
      { allow: false, line: 'a *:* rwm' },
      { allow: true, line: 'c 1:3 rwm' },
      { allow: true, line: 'b 8:* r' },
    ]);
    assert.throws(() => deviceRules([{ allow: true, type: 'x', access: 'r' }]), /invalid device type/);
    assert.throws(() => deviceRules([{ allow: true, type: 'c', access: '' }]), /access cannot be empty/);
  });

  test('runc JSON form of stats: omitempty, key order, exact uint64', () => {
    const s = emptyStats();
    s.memory.usage.limit = 9223372036854771712;
    s.memory.swap.limit = 2 ** 64;
    s.memory.raw = { b: 1, a: 2 };
    s.pids.current = 3;
    const text = cg.stringifyExact(cg.runcStatsData(s));
    assert.match(text, /"usage":\{"limit":9223372036854771712,"failcnt":0\}/);
    assert.match(text, /"swap":\{"limit":18446744073709551615,"failcnt":0\}/);
    assert.match(text, /"raw":\{"a":2,"b":1\}/);
    assert.match(text, /"pids":\{"current":3\}/);
    assert.match(text, /"cpu":\{"usage":\{"kernel":0,"user":0\},"throttling":\{\}\}/);
    assert.match(text, /"hugetlb":\{\},"intel_rdt":\{\},"network_interfaces":null\}$/);
  });
});

describe('path rules (runc 1.1, cgroupfs driver)', { skip: !isRoot && 'needs root' }, () => {
  test('empty cgroupsPath: the id, relative to this process\'s own cgroups', () => {
    const m = cg.cgroupManager(undefined, `berth-rel-${unique}`);
    const own = parseProcCgroup(fs.readFileSync('/proc/self/cgroup', 'utf8'));
    if (m.version === 1) {
      const mi = parseMountinfo(fs.readFileSync('/proc/self/mountinfo', 'utf8'));
      for (const ctrl of ['memory', 'cpu', 'pids']) {
        const mount = findV1Mount(mi, ctrl);
        if (!mount) continue;
        const expect = path.join(mount.mountPoint, path.relative(mount.root, own.get(ctrl)), `berth-rel-${unique}`);
        assert.equal(m.paths()[ctrl], expect, ctrl);
      }
      assert.ok(m.paths().devices, 'devices is always part of a v1 cgroup');
    } else {
      assert.equal(m.path, path.join(path.dirname(own.get('')), `berth-rel-${unique}`));
    }
    assert.equal(m.exists(), false);
  });

  test('absolute cgroupsPath: below every hierarchy root; ".." cannot escape', () => {
    const m = cg.cgroupManager(`/berth-abs-${unique}/../x/c`, 'ignored');
    assert.equal(m.path, '/x/c');
    for (const dir of Object.values(m.paths())) assert.ok(dir.startsWith('/sys/fs/cgroup/') && dir.endsWith('/x/c'), dir);
    const again = cg.loadCgroupManager(m.version, m.path);
    assert.deepEqual(again.paths(), m.paths());
    assert.throws(() => cg.loadCgroupManager(1, 'relative'), /must be absolute/);
  });
});

describe('host cgroup manager: create, limits, join, stats, freeze, kill, destroy', { skip: !isRoot && 'needs root' }, () => {
  const base = `/berth-test-${unique}`;
  let m;
  let proc;

  before(() => {
    m = cg.cgroupManager(`${base}/c`, 'ignored');
  });

  after(() => {
    if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
      try { m.thaw(); } catch { /* not frozen */ }
      proc.child.kill('SIGKILL');
    }
    // Wait briefly for the child to leave, then remove the leaf and our parent in every hierarchy.
    for (let i = 0; i < 50; i++) {
      if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) break;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
    for (const dir of Object.values(m?.paths() ?? {})) {
      rmTree(dir);
      rmTree(path.dirname(dir));
    }
  });

  test('create makes every directory, idempotently', () => {
    assert.equal(m.exists(), false);
    m.create();
    m.create();
    assert.equal(m.exists(), true);
    for (const dir of Object.values(m.paths())) assert.ok(fs.statSync(dir).isDirectory(), dir);
    if (m.version === 1 && m.paths().cpuset) {
      // A new cpuset cgroup is unusable until cpus and mems are copied from the parent.
      assert.notEqual(read(m.paths().cpuset, 'cpuset.cpus'), '');
      assert.notEqual(read(path.dirname(m.paths().cpuset), 'cpuset.mems'), '');
    }
    assert.equal(new Set(m.procsFiles()).size, m.procsFiles().length);
  });

  test('set writes memory, cpu, pids, cpuset and device limits', () => {
    const mib = 1024 * 1024;
    const p = m.paths();
    if (m.version === 1) {
      const hasSwap = fs.existsSync(path.join(p.memory, 'memory.memsw.limit_in_bytes'));
      m.set({
        memory: { limit: 64 * mib, reservation: 32 * mib, swappiness: 10, ...(hasSwap ? { swap: 128 * mib } : {}) },
        cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0', mems: '0' },
        pids: { limit: 50 },
        devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }],
      });
      assert.equal(read(p.memory, 'memory.limit_in_bytes'), String(64 * mib));
      assert.equal(read(p.memory, 'memory.soft_limit_in_bytes'), String(32 * mib));
      assert.equal(read(p.memory, 'memory.swappiness'), '10');
      if (hasSwap) assert.equal(read(p.memory, 'memory.memsw.limit_in_bytes'), String(128 * mib));
      assert.equal(read(p.cpu, 'cpu.shares'), '512');
      assert.equal(read(p.cpu, 'cpu.cfs_quota_us'), '50000');
      assert.equal(read(p.cpu, 'cpu.cfs_period_us'), '100000');
      assert.equal(read(p.cpuset, 'cpuset.cpus'), '0');
      assert.equal(read(p.cpuset, 'cpuset.mems'), '0');
      assert.equal(read(p.pids, 'pids.max'), '50');
      assert.equal(read(p.devices, 'devices.list'), 'c 1:3 rwm');
      // Lowering the limit below memsw and then raising both works in either order.
      if (hasSwap) {
        m.set({ memory: { limit: 256 * mib, swap: 512 * mib } });
        assert.equal(read(p.memory, 'memory.limit_in_bytes'), String(256 * mib));
        m.set({ memory: { limit: 16 * mib, swap: 32 * mib } });
        assert.equal(read(p.memory, 'memory.memsw.limit_in_bytes'), String(32 * mib));
      }
      m.set({ memory: { limit: -1 } });
      assert.ok(Number(read(p.memory, 'memory.limit_in_bytes')) > 2 ** 62);
      m.set({ pids: { limit: -1 } });
      assert.equal(read(p.pids, 'pids.max'), 'max');
      assert.throws(() => m.set({ unified: { 'memory.max': '1' } }), /needs cgroup v2/);
      assert.throws(() => m.set({ memory: { swappiness: 200 } }), /memory\.swappiness: invalid value 200/);
    } else {
      const dir = p[''];
      m.set({ memory: { limit: 64 * mib, swap: 128 * mib }, cpu: { shares: 1024, quota: 50000, period: 100000, cpus: '0' }, pids: { limit: 50 } });
      assert.equal(read(dir, 'memory.max'), String(64 * mib));
      assert.equal(read(dir, 'memory.swap.max'), String(64 * mib));
      assert.equal(read(dir, 'cpu.weight'), '39');
      assert.equal(read(dir, 'cpu.max'), '50000 100000');
      assert.equal(read(dir, 'cpuset.cpus'), '0');
      assert.equal(read(dir, 'pids.max'), '50');
    }
  });

  test('a value the kernel refuses is an error naming the file and the value', () => {
    assert.throws(() => m.set({ cpu: { cpus: '4095' } }), (e) => {
      assert.equal(e.name, 'SysError');
      assert.match(e.message, /^cgroup cpuset\.cpus: cannot set 4095: /);
      return true;
    });
  });

  test('apply moves a process in; pids() and stats() see it', async () => {
    proc = startSleep();
    await new Promise((r) => proc.child.once('spawn', r));
    m.apply(proc.child.pid);
    assert.deepEqual(m.pids(), [proc.child.pid]);
    for (const f of m.procsFiles()) {
      if (f.includes('/unified/') || f.includes('/systemd/')) continue;
      assert.ok(fs.readFileSync(f, 'utf8').split('\n').includes(String(proc.child.pid)), f);
    }
    const s = m.stats();
    assert.equal(s.pids.current, 1);
    if (m.version === 1) {
      assert.equal(s.pids.limit, 0); // "max" reads as no limit, as runc reports it
      assert.ok(s.memory.usage.limit > 0);
      assert.equal(s.cpu.usage.percpu.length, fs.readFileSync(path.join(m.paths().cpuacct, 'cpuacct.usage_percpu'), 'utf8').trim().split(/\s+/).length);
      assert.deepEqual(s.cpuset.cpus, [0]);
      assert.ok(Object.keys(s.memory.raw).includes('rss'));
    }
    const json = JSON.parse(cg.stringifyExact({ type: 'stats', id: 'x', data: cg.runcStatsData(s) }));
    assert.equal(json.data.pids.current, 1);
  });

  test('freeze stops every process; thaw resumes them', () => {
    m.freeze();
    assert.equal(m.isFrozen(), true);
    if (m.version === 1) assert.equal(read(m.paths().freezer, 'freezer.state'), 'FROZEN');
    // A frozen task sleeps uninterruptibly in the freezer (D), whatever it did before.
    assert.equal(procState(proc.child.pid), 'D');
    m.thaw();
    assert.equal(m.isFrozen(), false);
    assert.equal(procState(proc.child.pid), 'S');
  });

  test('killAll signals every process; destroy removes the cgroup; both tolerate repetition', async () => {
    m.killAll(15);
    const { signal } = await proc.exited;
    assert.equal(signal, 'SIGTERM');
    assert.deepEqual(m.pids(), []);
    m.killAll(9); // nothing left: no error
    m.destroy();
    assert.equal(m.exists(), false);
    for (const dir of Object.values(m.paths())) assert.equal(fs.existsSync(dir), false, dir);
    m.destroy(); // already gone
  });
});

// The cgroup2 mount of a hybrid host has no controllers bound, but everything that is not a
// controller (procs, freeze, kill, events) works there: test the v2 manager on it.
const hybridV2 = '/sys/fs/cgroup/unified';
const hasHybridV2 = (() => {
  try {
    return mountAt(parseMountinfo(fs.readFileSync('/proc/self/mountinfo', 'utf8')), hybridV2)?.fsType === 'cgroup2';
  } catch { return false; }
})();

describe('v2 manager on the hybrid cgroup2 mount', { skip: (!isRoot && 'needs root') || (!hasHybridV2 && `no cgroup2 at ${hybridV2}`) }, () => {
  const base = `/berth-test-v2-${unique}`;
  let m;
  let proc;
  let rootSubtree;

  before(() => {
    rootSubtree = read(hybridV2, 'cgroup.subtree_control').split(/\s+/).filter(Boolean);
    m = new V2Manager(hybridV2, `${base}/c`);
  });

  after(() => {
    if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
      try { m.thaw(); } catch { /* not frozen */ }
      proc.child.kill('SIGKILL');
    }
    for (let i = 0; i < 50 && proc && proc.child.exitCode === null && proc.child.signalCode === null; i++) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
    rmTree(path.join(hybridV2, base));
    // create() enables the root's controllers in the ancestors: undo what we added at the root.
    const now = read(hybridV2, 'cgroup.subtree_control').split(/\s+/).filter(Boolean);
    for (const c of now) {
      if (!rootSubtree.includes(c)) {
        try { fs.writeFileSync(path.join(hybridV2, 'cgroup.subtree_control'), `-${c}`); } catch { /* in use by others */ }
      }
    }
  });

  test('create, apply, pids, stats', async () => {
    assert.equal(m.exists(), false);
    m.create();
    m.create();
    assert.equal(m.exists(), true);
    assert.deepEqual(m.paths(), { '': path.join(hybridV2, base, 'c') });
    const available = read(hybridV2, 'cgroup.controllers').split(/\s+/).filter(Boolean);
    const enabled = read(path.join(hybridV2, base), 'cgroup.subtree_control').split(/\s+/).filter(Boolean);
    assert.deepEqual(enabled.sort(), available.sort());
    proc = startSleep();
    await new Promise((r) => proc.child.once('spawn', r));
    m.apply(proc.child.pid);
    assert.deepEqual(m.pids(), [proc.child.pid]);
    assert.equal(read(m.dir, 'cgroup.procs'), String(proc.child.pid));
    const s = m.stats();
    assert.equal(s.pids.current, 1); // counted from cgroup.procs: no pids controller here
    assert.ok(s.cpu.usage.total >= 0);
  });

  test('a knob of a controller that is not enabled gives a clear error', () => {
    assert.throws(() => m.set({ memory: { limit: 1 << 20 } }), /cgroup memory\.max: cannot set 1048576: controller memory is not enabled/);
    assert.throws(() => m.set({ unified: { '../x': '1' } }), /must be a file name/);
  });

  test('freeze waits for cgroup.events "frozen 1"; thaw', () => {
    m.freeze();
    assert.equal(m.isFrozen(), true);
    assert.match(read(m.dir, 'cgroup.events'), /^frozen 1$/m);
    // The v2 freezer parks tasks in an interruptible trap, so /proc shows S, not D: the
    // kernel's "frozen 1" above is the proof.
    m.thaw();
    assert.equal(m.isFrozen(), false);
    assert.match(read(m.dir, 'cgroup.events'), /^frozen 0$/m);
  });

  test('killAll(SIGKILL) through cgroup.kill; destroy', async () => {
    m.killAll(9);
    const { signal } = await proc.exited;
    assert.equal(signal, 'SIGKILL');
    m.destroy();
    assert.equal(m.exists(), false);
    m.destroy();
    fs.rmdirSync(path.join(hybridV2, base));
  });
});
