// Process security of the init stage: rlimits, capabilities, credentials, no_new_privs,
// seccomp. These calls change the calling process for good, so every case runs in a child
// `node -e` that applies a config and reports /proc/self/status and /proc/self/limits as
// JSON, both for itself and for a program it execs (what the container's process sees).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, copyFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const require = createRequire(import.meta.url);
const seccomp = require(join(DIST, 'runtime/security/seccomp.js'));
const capabilities = require(join(DIST, 'runtime/security/capabilities.js'));
const rlimit = require(join(DIST, 'sys/rlimit.js'));

const isRoot = process.getuid?.() === 0;
const root = { skip: isRoot ? false : 'needs root' };

// The child's preamble: `cfg` is the JSON from the environment, `out` is printed at the end.
const CHILD = String.raw`
const fs = require('fs');
const { execFileSync } = require('child_process');
const D = process.env.BERTH_DIST;
const sec = require(D + '/runtime/security/credentials.js');
const prctl = require(D + '/sys/prctl.js');
const libc = require(D + '/sys/libc.js');
const cfg = JSON.parse(process.env.BERTH_CFG);
function parse(text) {
  const o = {};
  for (const line of text.split('\n')) {
    const lim = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (lim) { o[lim[1]] = [lim[2], lim[3]]; continue; }
    const i = line.indexOf(':');
    if (i > 0) o[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return o;
}
function tasks() {
  return fs.readdirSync('/proc/self/task').map((t) => {
    const s = parse(fs.readFileSync('/proc/self/task/' + t + '/status', 'utf8'));
    return { Uid: s.Uid, Gid: s.Gid, Seccomp: s.Seccomp };
  });
}
const out = {};
try {
  BODY
} catch (e) {
  out.error = { name: e.name, code: e.code, errno: e.errno, message: e.message };
}
out.self = parse(fs.readFileSync('/proc/self/status', 'utf8') + fs.readFileSync('/proc/self/limits', 'utf8'));
out.tasks = tasks();
if (!out.error && !cfg.noExec) {
  out.exec = parse(execFileSync('/bin/cat', ['/proc/self/status', '/proc/self/limits'], { encoding: 'utf8' }));
}
fs.writeSync(1, JSON.stringify(out, (k, v) => (typeof v === 'bigint' ? v.toString() : v)));
`;

/** Runs `body` in a fresh node child; returns its report (or the raw result when it died). */
function child(body, cfg = {}) {
  const r = spawnSync(process.execPath, ['-e', CHILD.replace('BODY', body)], {
    env: { PATH: process.env.PATH, BERTH_DIST: DIST, BERTH_CFG: JSON.stringify(cfg) },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.status !== 0 || r.signal) return { died: true, status: r.status, signal: r.signal, stderr: r.stderr };
  try {
    return JSON.parse(r.stdout);
  } catch {
    assert.fail(`child printed no report: ${r.stdout}\n${r.stderr}`);
  }
}

const apply = 'out.report = sec.applyProcessSecurity(cfg.process, cfg.opts);';

function pick(s, keys) {
  return Object.fromEntries(keys.map((k) => [k, s[k]]));
}
const CAP_KEYS = ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb'];
const ID_KEYS = ['Uid', 'Gid', 'Groups', 'NoNewPrivs', 'Seccomp'];

const RUNC_DEFAULT_CAPS = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

test('rlimits are set on the process and inherited across execve', root, () => {
  const out = child(apply, {
    process: {
      user: { uid: 0, gid: 0 },
      cwd: '/',
      capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
      rlimits: [
        { type: 'RLIMIT_NOFILE', soft: 100, hard: 200 },
        { type: 'RLIMIT_CORE', soft: 4096, hard: 18446744073709551615 }, // parses as 2^64: unlimited
        { type: 'RLIMIT_NPROC', soft: 50, hard: 60 },
      ],
    },
  });
  assert.equal(out.error, undefined, out.error?.message);
  for (const s of [out.self, out.exec]) {
    assert.deepEqual(s['Max open files'], ['100', '200']);
    assert.deepEqual(s['Max core file size'], ['4096', 'unlimited']);
    assert.deepEqual(s['Max processes'], ['50', '60']);
  }
});

test('rlimit values: bigint, unlimited and validation', () => {
  assert.equal(rlimit.rlimitValue(2 ** 64), rlimit.RLIM_INFINITY);
  assert.equal(rlimit.rlimitValue(1024), 1024n);
  assert.equal(rlimit.rlimitValue(rlimit.RLIM_INFINITY), rlimit.RLIM_INFINITY);
  assert.throws(() => rlimit.rlimitValue(-1), /not a non-negative integer/);
  assert.deepEqual(rlimit.getrlimit(rlimit.RLIMITS.RLIMIT_NOFILE).soft > 0n, true);
});

test('unknown rlimit type and soft > hard are rejected before any change', root, () => {
  let out = child(apply, { process: { user: { uid: 0, gid: 0 }, cwd: '/', rlimits: [{ type: 'RLIMIT_BOGUS', soft: 1, hard: 1 }] } });
  assert.equal(out.error.name, 'InvalidArgumentError');
  assert.match(out.error.message, /rlimit RLIMIT_BOGUS: unknown resource type/);
  out = child(apply, { process: { user: { uid: 0, gid: 0 }, cwd: '/', rlimits: [{ type: 'RLIMIT_NOFILE', soft: 10, hard: 5 }] } });
  assert.match(out.error.message, /soft limit 10 exceeds hard limit 5/);
});

test('root with runc default capabilities: bounding dropped, ambient without inheritable skipped', root, () => {
  const out = child(apply, {
    process: {
      user: { uid: 0, gid: 0 },
      cwd: '/',
      capabilities: { bounding: RUNC_DEFAULT_CAPS, effective: RUNC_DEFAULT_CAPS, permitted: RUNC_DEFAULT_CAPS, ambient: RUNC_DEFAULT_CAPS },
      noNewPrivileges: true,
    },
  });
  assert.equal(out.error, undefined, out.error?.message);
  assert.deepEqual(out.report.ambientSkipped, ['CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_AUDIT_WRITE']); // number order
  const want = { CapInh: '0000000000000000', CapPrm: '0000000020000420', CapEff: '0000000020000420', CapBnd: '0000000020000420', CapAmb: '0000000000000000' };
  assert.deepEqual(pick(out.self, CAP_KEYS), want);
  assert.deepEqual(pick(out.exec, CAP_KEYS), want);
  assert.deepEqual(pick(out.exec, ID_KEYS), { Uid: '0\t0\t0\t0', Gid: '0\t0\t0\t0', Groups: '', NoNewPrivs: '1', Seccomp: '0' });
});

test('non-root user: groups, ids on every thread, keep-caps, ambient caps survive execve', root, () => {
  const out = child(apply, {
    process: {
      user: { uid: 1000, gid: 1001, additionalGids: [5, 6, 4242], umask: 0o027 },
      cwd: '/',
      capabilities: {
        bounding: ['CAP_KILL', 'CAP_CHOWN', 'CAP_NET_RAW'],
        effective: ['CAP_KILL'],
        permitted: ['CAP_KILL', 'CAP_CHOWN'],
        inheritable: ['CAP_KILL'],
        ambient: ['CAP_KILL', 'CAP_CHOWN'],
      },
    },
  });
  assert.equal(out.error, undefined, out.error?.message);
  assert.deepEqual(out.report, { ambientSkipped: ['CAP_CHOWN'], ignoredSyscalls: [] });
  assert.deepEqual(pick(out.self, [...CAP_KEYS, ...ID_KEYS, 'Umask']), {
    CapInh: '0000000000000020',
    CapPrm: '0000000000000021',
    CapEff: '0000000000000020',
    CapBnd: '0000000000002021',
    CapAmb: '0000000000000020',
    Uid: '1000\t1000\t1000\t1000',
    Gid: '1001\t1001\t1001\t1001',
    Groups: '5 6 4242',
    NoNewPrivs: '0',
    Seccomp: '0',
    Umask: '0027',
  });
  // glibc's setxid broadcast: Node's other threads changed user too.
  assert.ok(out.tasks.length > 1);
  for (const t of out.tasks) assert.deepEqual([t.Uid, t.Gid], ['1000\t1000\t1000\t1000', '1001\t1001\t1001\t1001']);
  // After execve a non-root program keeps only its ambient caps (+ inheritable stays).
  assert.deepEqual(pick(out.exec, [...CAP_KEYS, 'Umask']), {
    CapInh: '0000000000000020',
    CapPrm: '0000000000000020',
    CapEff: '0000000000000020',
    CapBnd: '0000000000002021',
    CapAmb: '0000000000000020',
    Umask: '0027',
  });
});

test('no capabilities object: every set empty, as runc', root, () => {
  const out = child(apply, { process: { user: { uid: 0, gid: 0 }, cwd: '/' }, opts: { defaultUmask: 0o022 } });
  assert.equal(out.error, undefined, out.error?.message);
  const zero = '0000000000000000';
  assert.deepEqual(pick(out.exec, CAP_KEYS), { CapInh: zero, CapPrm: zero, CapEff: zero, CapBnd: zero, CapAmb: zero });
  assert.equal(out.exec.Umask, '0022');
});

test('unknown capability name is a config error', root, () => {
  const out = child(apply, { process: { user: { uid: 0, gid: 0 }, cwd: '/', capabilities: { bounding: ['CAP_FLY'] } } });
  assert.equal(out.error.name, 'InvalidArgumentError');
  assert.equal(out.error.message, 'capability CAP_FLY: unknown capability');
});

test('capability masks and exec --cap merging', () => {
  assert.equal(capabilities.capabilityMask(['CAP_KILL', 'net_bind_service', 'AUDIT_WRITE'], 40), 0x20000420n);
  assert.equal(capabilities.capabilityMask(['CAP_CHECKPOINT_RESTORE'], 39), 0n); // newer than the kernel: left out
  assert.deepEqual(capabilities.capabilityNames(0x20000420n), RUNC_DEFAULT_CAPS.slice().sort((a, b) => capabilities.capabilityNumber(a) - capabilities.capabilityNumber(b)));
  assert.throws(() => capabilities.capabilityNumber('CAP_NOPE'), /capability CAP_NOPE: unknown capability/);
  const m = capabilities.computeCapabilities(undefined, 40);
  assert.deepEqual(m, { bounding: 0n, effective: 0n, permitted: 0n, inheritable: 0n, ambient: 0n });
  const merged = capabilities.addCapabilities({ bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] }, ['CAP_SYS_ADMIN']);
  assert.deepEqual(merged, {
    bounding: ['CAP_KILL', 'CAP_SYS_ADMIN'],
    effective: ['CAP_KILL', 'CAP_SYS_ADMIN'],
    permitted: ['CAP_KILL', 'CAP_SYS_ADMIN'],
  });
  const withInh = capabilities.addCapabilities({ inheritable: ['CAP_KILL'] }, ['net_raw']);
  assert.deepEqual(withInh.ambient, ['CAP_NET_RAW']);
  assert.deepEqual(withInh.inheritable, ['CAP_KILL']);
});

test('prctl helpers: name, dumpable, keep-caps, pdeathsig, subreaper', root, () => {
  const out = child(String.raw`
    prctl.setName('berth-init-test-long-name');
    prctl.setDumpable(false);
    out.dumpable = prctl.getDumpable();
    prctl.setKeepCaps(true);
    out.keepCaps = prctl.getKeepCaps();
    prctl.setKeepCaps(false);
    prctl.setPdeathsig(9);
    prctl.setChildSubreaper();
    out.comm = fs.readFileSync('/proc/self/comm', 'utf8').trim();
    out.nnpBefore = prctl.getNoNewPrivs();
    prctl.setNoNewPrivs();
    out.nnpAfter = prctl.getNoNewPrivs();
    prctl.capBsetDrop(21);
    out.sysAdminInBounding = prctl.capBsetRead(21);
    try { prctl.capBsetDrop(4000); } catch (e) { out.badCap = e.message; }
  `, { noExec: true });
  assert.equal(out.error, undefined, out.error?.message);
  assert.equal(out.comm, 'berth-init-test');
  assert.equal(out.dumpable, false);
  assert.equal(out.keepCaps, true);
  assert.equal(out.nnpBefore, false);
  assert.equal(out.nnpAfter, true);
  assert.equal(out.sysAdminInBounding, false);
  assert.equal(out.badCap, 'prctl PR_CAPBSET_DROP 4000: invalid argument');
  assert.equal(out.self.NoNewPrivs, '1');
});

const MKDIR_PROFILE = {
  defaultAction: 'SCMP_ACT_ALLOW',
  architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  syscalls: [
    { names: ['mkdir', 'mkdirat', 'no_such_syscall_xyz'], action: 'SCMP_ACT_ERRNO' },
    { names: ['getpid'], action: 'SCMP_ACT_ALLOW' }, // same as the default: skipped
  ],
};

test('seccomp: mkdir returns EPERM, on every thread, without forcing no_new_privs', root, () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-sec-'));
  try {
    const out = child(
      apply + String.raw`
      try { fs.mkdirSync(cfg.dir + '/sub'); out.mkdir = 'ok'; } catch (e) { out.mkdir = e.code; }
      fs.writeFileSync(cfg.dir + '/file', 'x'); out.write = 'ok';`,
      {
        dir,
        process: { user: { uid: 0, gid: 0 }, cwd: '/', capabilities: { bounding: RUNC_DEFAULT_CAPS, effective: RUNC_DEFAULT_CAPS, permitted: RUNC_DEFAULT_CAPS } },
        opts: { seccomp: MKDIR_PROFILE },
      },
    );
    assert.equal(out.error, undefined, out.error?.message);
    assert.equal(out.mkdir, 'EPERM');
    assert.equal(out.write, 'ok');
    assert.deepEqual(out.report.ignoredSyscalls, ['no_such_syscall_xyz']);
    assert.equal(out.self.Seccomp, '2');
    assert.equal(out.self.Seccomp_filters, '1');
    assert.equal(out.self.NoNewPrivs, '0');
    for (const t of out.tasks) assert.equal(t.Seccomp, '2'); // TSYNC
    assert.equal(out.exec.Seccomp, '2');
    assert.equal(existsSync(join(dir, 'sub')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('seccomp after dropping to a user: needs no_new_privs (default order handles it)', root, () => {
  const proc = { user: { uid: 1000, gid: 1000 }, cwd: '/' };
  // Default: no_new_privs off -> filter loaded while still privileged.
  let out = child(apply + `try { fs.mkdirSync('/tmp/x'); } catch (e) { out.mkdir = e.code; }`, { process: proc, opts: { seccomp: MKDIR_PROFILE } });
  assert.equal(out.error, undefined, out.error?.message);
  assert.equal(out.mkdir, 'EPERM');
  assert.deepEqual(pick(out.self, ['Uid', 'Seccomp', 'NoNewPrivs']), { Uid: '1000\t1000\t1000\t1000', Seccomp: '2', NoNewPrivs: '0' });
  // Forced last without no_new_privs: the kernel refuses (why runc loads it early then).
  out = child(apply, { process: proc, opts: { seccomp: MKDIR_PROFILE, seccompBeforeUser: false } });
  assert.equal(out.error?.name, 'SysError');
  assert.equal(out.error.errno, 'EACCES');
  // Last with no_new_privs: fine.
  out = child(apply, { process: { ...proc, noNewPrivileges: true }, opts: { seccomp: MKDIR_PROFILE } });
  assert.equal(out.error, undefined, out.error?.message);
  assert.deepEqual(pick(out.exec, ['Seccomp', 'NoNewPrivs']), { Seccomp: '2', NoNewPrivs: '1' });
});

test('seccomp argument filters: EQ with errnoRet, repeated index as separate rules, MASKED_EQ', root, () => {
  const profile = {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [
      { names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, args: [{ index: 0, value: 0xffffffff, op: 'SCMP_CMP_EQ' }] },
      // Two conditions on arg 0: runc adds one rule per condition, so either matches.
      {
        names: ['personality'],
        action: 'SCMP_ACT_ERRNO',
        errnoRet: 22,
        args: [
          { index: 0, value: 0x1234, op: 'SCMP_CMP_EQ' },
          { index: 0, value: 0x5678, op: 'SCMP_CMP_EQ' },
        ],
      },
      // umask(m) with m & 0o700 == 0o700 -> ENOSPC (glibc's umask cannot fail, so it returns -28 raw)
      { names: ['umask'], action: 'SCMP_ACT_ERRNO', errnoRet: 28, args: [{ index: 0, value: 0o700, valueTwo: 0o700, op: 'SCMP_CMP_MASKED_EQ' }] },
    ],
  };
  const out = child(
    apply + String.raw`
    const k = require('koffi');
    const personality = libc.fn('int personality(unsigned long persona)');
    const umask = libc.fn('int umask(unsigned int mask)');
    const callErr = (f, v) => { const r = f(v); return r === -1 ? libc.errnoName() : r; };
    out.query = callErr(personality, 0xffffffff);
    out.a = callErr(personality, 0x1234);
    out.b = callErr(personality, 0x5678);
    out.other = callErr(personality, 0);
    out.umaskBlocked = callErr(umask, 0o777);
    out.umaskOk = callErr(umask, 0o022);
    `,
    { noExec: true, process: { user: { uid: 0, gid: 0 }, cwd: '/', capabilities: { bounding: ['CAP_KILL'] } }, opts: { seccomp: profile } },
  );
  assert.equal(out.error, undefined, out.error?.message);
  assert.equal(out.query, 'EACCES');
  assert.equal(out.a, 'EINVAL');
  assert.equal(out.b, 'EINVAL');
  assert.equal(out.other, 0);
  assert.equal(out.umaskBlocked, -28);
  assert.equal(typeof out.umaskOk, 'number');
  assert.equal(out.self.Seccomp, '2');
});

test('seccomp SCMP_ACT_KILL_PROCESS kills the process with SIGSYS', root, () => {
  const r = child(apply + `libc.fn('int getpriority(int which, unsigned int who)')(0, 0); out.survived = true;`, {
    noExec: true,
    process: { user: { uid: 0, gid: 0 }, cwd: '/' },
    opts: { seccomp: { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getpriority'], action: 'SCMP_ACT_KILL_PROCESS' }] } },
  });
  assert.equal(r.died, true);
  assert.equal(r.signal, 'SIGSYS');
});

test('seccomp profile validation and runc features lists', () => {
  assert.throws(() => seccomp.planSeccomp({ defaultAction: 'SCMP_ACT_NOTIFY' }), (e) => e.name === 'UnsupportedError' && /SCMP_ACT_NOTIFY/.test(e.message));
  assert.throws(() => seccomp.planSeccomp({ defaultAction: 'SCMP_ACT_NOPE' }), /seccomp action SCMP_ACT_NOPE: unknown action/);
  assert.throws(() => seccomp.planSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_VAX'] }), /unknown architecture/);
  assert.throws(() => seccomp.planSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_NEW'] }), /not supported/);
  assert.throws(
    () => seccomp.planSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }] }),
    /argument index 6 out of range/,
  );
  assert.throws(
    () => seccomp.planSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_XX' }] }] }),
    /unknown operator SCMP_CMP_XX/,
  );
  assert.equal(seccomp.seccompAction('SCMP_ACT_ERRNO'), 0x00050001);
  assert.equal(seccomp.seccompAction('SCMP_ACT_ERRNO', 38), 0x00050026);
  assert.equal(seccomp.seccompAction('SCMP_ACT_TRACE'), 0x7ff00001);
  assert.equal(seccomp.seccompAction('SCMP_ACT_KILL_PROCESS'), 0x80000000);
  assert.equal(seccomp.seccompAction('SCMP_ACT_KILL'), 0);
  assert.equal(seccomp.seccompAction('SCMP_ACT_LOG'), 0x7ffc0000);
  const plan = seccomp.planSeccomp({
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 38,
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64'],
    flags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG'],
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { names: ['kill'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }, // equals the default: skipped
      { names: ['kill'], action: 'SCMP_ACT_ERRNO' }, // EPERM differs from the default ENOSYS
      {
        names: ['clone'],
        action: 'SCMP_ACT_ALLOW',
        args: [
          { index: 0, value: 1, op: 'SCMP_CMP_NE' },
          { index: 1, value: 18446744073709551615, op: 'SCMP_CMP_LE' },
        ],
      },
    ],
  });
  assert.equal(plan.defaultAction, 0x00050026);
  assert.deepEqual(plan.arches, ['x86_64', 'aarch64']);
  assert.deepEqual(plan.attributes, [6]);
  assert.deepEqual(plan.rules.map((r) => [r.name, r.action, r.conditions.length]), [
    ['read', 0x7fff0000, 1],
    ['write', 0x7fff0000, 1],
    ['kill', 0x00050001, 1],
    ['clone', 0x7fff0000, 1],
  ]);
  assert.deepEqual(plan.rules[3].conditions[0], [
    { arg: 0, op: 1, datumA: 1n, datumB: 0n },
    { arg: 1, op: 3, datumA: 0xffffffffffffffffn, datumB: 0n },
  ]);
  assert.deepEqual(seccomp.seccompActions(), [
    'SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE', 'SCMP_ACT_TRAP',
  ]);
  assert.deepEqual(seccomp.seccompOperators(), [
    'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_LE', 'SCMP_CMP_LT', 'SCMP_CMP_MASKED_EQ', 'SCMP_CMP_NE',
  ]);
  assert.ok(seccomp.seccompArches().includes('SCMP_ARCH_X86_64'));
  assert.ok(seccomp.seccompArches().includes('SCMP_ARCH_AARCH64'));
});

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
}

const haveRunc = isRoot && which('runc') && existsSync('/bin/busybox');

/** Runs `cat` under Debian's runc and under our applyProcessSecurity with the same process; returns both views. */
function compareWithRunc(mutate) {
  const tmp = mkdtempSync(join(tmpdir(), 'berth-runc-'));
  const id = `berth-sec-${process.pid}`;
  const state = join(tmp, 'state');
  const bundle = join(tmp, 'bundle');
  try {
    mkdirSync(join(bundle, 'rootfs', 'bin'), { recursive: true });
    copyFileSync('/bin/busybox', join(bundle, 'rootfs', 'bin', 'busybox'));
    // chroot so the links point at /bin/busybox inside the rootfs, not at the host path
    const inst = spawnSync('chroot', [join(bundle, 'rootfs'), '/bin/busybox', '--install', '-s', '/bin'], { encoding: 'utf8' });
    assert.equal(inst.status, 0, inst.stderr);
    const spec = spawnSync('runc', ['spec', '--bundle', bundle], { encoding: 'utf8' });
    assert.equal(spec.status, 0, spec.stderr);
    const configPath = join(bundle, 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    config.process.terminal = false;
    config.process.args = ['cat', '/proc/self/status', '/proc/self/limits'];
    mutate?.(config.process);
    writeFileSync(configPath, JSON.stringify(config, null, 2));

    const run = spawnSync('runc', ['--root', state, 'run', '--bundle', bundle, id], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    const fromRunc = {};
    for (const line of run.stdout.split('\n')) {
      const lim = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
      if (lim) fromRunc[lim[1]] = [lim[2], lim[3]];
      else if (line.includes(':')) fromRunc[line.slice(0, line.indexOf(':'))] = line.slice(line.indexOf(':') + 1).trim();
    }
    const out = child(apply, { process: config.process, opts: { defaultUmask: 0o022 } });
    assert.equal(out.error, undefined, out.error?.message);
    return { fromRunc, ours: out.exec };
  } finally {
    spawnSync('runc', ['--root', state, 'delete', '-f', id], { encoding: 'utf8' });
    rmSync(tmp, { recursive: true, force: true });
  }
}

const runcSkip = { skip: haveRunc ? false : 'needs root, runc and busybox-static' };
const COMPARED = [...CAP_KEYS, ...ID_KEYS, 'Umask', 'Max open files', 'Max processes'];

test('same credentials as Debian runc for the default `runc spec` process', runcSkip, () => {
  const { fromRunc, ours } = compareWithRunc();
  assert.deepEqual(pick(ours, COMPARED), pick(fromRunc, COMPARED));
  assert.equal(fromRunc.CapEff, '0000000020000420'); // and it is what the spec says
  assert.equal(fromRunc.CapAmb, '0000000000000000');
});

test('same credentials as Debian runc for a non-root user with groups, ambient caps and limits', runcSkip, () => {
  const { fromRunc, ours } = compareWithRunc((p) => {
    p.user = { uid: 1000, gid: 1001, additionalGids: [5, 10], umask: 0o027 };
    p.capabilities.inheritable = ['CAP_KILL', 'CAP_NET_BIND_SERVICE'];
    p.capabilities.ambient = ['CAP_NET_BIND_SERVICE', 'CAP_AUDIT_WRITE'];
    p.noNewPrivileges = false;
    p.rlimits = [
      { type: 'RLIMIT_NOFILE', soft: 512, hard: 1024 },
      { type: 'RLIMIT_NPROC', soft: 100, hard: 200 },
    ];
  });
  assert.deepEqual(pick(ours, COMPARED), pick(fromRunc, COMPARED));
  assert.equal(fromRunc.CapAmb, '0000000000000400');
  assert.equal(fromRunc.Groups, '5 10');
});
