// OCI spec generation, config.json validation, mount options and features.
// Differential where Debian's runc can say what is right: `runc spec` output byte for byte,
// `runc features` lists, and configs that runc also refuses (runc create in a throwaway
// --root; nothing is left behind because runc fails before creating the container).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, rmdirSync, mkdirSync, readdirSync, readFileSync, writeFileSync, statSync, existsSync, copyFileSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const require = createRequire(import.meta.url);
const { defaultSpec, writeSpec, formatSpec } = require(join(DIST, 'oci/default-spec.js'));
const { loadSpec, parseSpec, validateId, sysctlDotted } = require(join(DIST, 'oci/validate.js'));
const mo = require(join(DIST, 'oci/mount-options.js'));
const { features } = require(join(DIST, 'oci/features.js'));
const { CAPABILITIES } = require(join(DIST, 'oci/capabilities.js'));
const { RLIMITS } = require(join(DIST, 'oci/rlimits.js'));
const { findJsonError } = require(join(DIST, 'oci/json-error.js'));

const hasRunc = spawnSync('runc', ['--version']).status === 0;
const isRoot = process.getuid?.() === 0;
const withRunc = { skip: hasRunc ? false : 'runc not installed' };

function tempDir(t) {
  const d = mkdtempSync(join(tmpdir(), 'berth-oci-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function runcSpec(dir, ...args) {
  const r = spawnSync('runc', ['spec', ...args], { cwd: dir, encoding: 'utf8' });
  return r;
}

// ---- runc spec ----

for (const rootless of [false, true]) {
  test(`writeSpec is byte-identical to runc spec${rootless ? ' --rootless' : ''}`, withRunc, (t) => {
    const d = tempDir(t);
    mkdirSync(join(d, 'runc'));
    mkdirSync(join(d, 'berth'));
    const r = runcSpec(join(d, 'runc'), ...(rootless ? ['--rootless'] : []));
    assert.equal(r.status, 0, r.stderr);
    const file = writeSpec(join(d, 'berth'), { rootless });
    assert.equal(file, join(d, 'berth', 'config.json'));
    const theirs = readFileSync(join(d, 'runc', 'config.json'));
    const ours = readFileSync(file);
    assert.equal(ours.toString(), theirs.toString());
    assert.ok(ours.equals(theirs));
    assert.equal(statSync(file).mode & 0o777, statSync(join(d, 'runc', 'config.json')).mode & 0o777);
  });
}

test('writeSpec refuses an existing config.json with runc\'s message', withRunc, (t) => {
  const d = tempDir(t);
  writeFileSync(join(d, 'config.json'), '{}');
  const r = runcSpec(d);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /File config\.json exists\. Remove it first/);
  assert.throws(() => writeSpec(d), { name: 'AlreadyExistsError', message: 'File config.json exists. Remove it first' });
  assert.equal(readFileSync(join(d, 'config.json'), 'utf8'), '{}');
});

test('writeSpec into a missing bundle fails naming it', (t) => {
  const d = tempDir(t);
  assert.throws(() => writeSpec(join(d, 'nope')), { name: 'NotFoundError', message: `bundle ${join(d, 'nope')} does not exist` });
});

test('cgroup v2 hosts get a cgroup namespace, kept by --rootless', () => {
  const types = (s) => s.linux.namespaces.map((n) => n.type);
  assert.deepEqual(types(defaultSpec({ cgroupV2: true })), ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup']);
  assert.deepEqual(types(defaultSpec({ cgroupV2: true, rootless: true })), ['pid', 'ipc', 'uts', 'mount', 'cgroup', 'user']);
  assert.deepEqual(types(defaultSpec({ cgroupV2: false })), ['pid', 'network', 'ipc', 'uts', 'mount']);
  const r = defaultSpec({ rootless: true, hostUid: 1000, hostGid: 1001 });
  assert.deepEqual(r.linux.uidMappings, [{ containerID: 0, hostID: 1000, size: 1 }]);
  assert.deepEqual(r.linux.gidMappings, [{ containerID: 0, hostID: 1001, size: 1 }]);
  assert.equal(r.linux.resources, undefined);
});

test('the default specs validate', (t) => {
  const d = tempDir(t);
  mkdirSync(join(d, 'rootfs'));
  for (const opts of [{}, { rootless: true }, { cgroupV2: true }]) {
    writeFileSync(join(d, 'config.json'), formatSpec(defaultSpec(opts)));
    const warnings = [];
    const spec = loadSpec(d, { warnings });
    assert.deepEqual(spec, defaultSpec(opts));
    assert.deepEqual(warnings, []);
  }
});

// ---- config.json validation ----

const del = (o, k) => { delete o[k]; };
const nsOnly = (s, ...keep) => { s.linux.namespaces = s.linux.namespaces.filter((n) => keep.includes(n.type)); };

// [name, mutate(spec, bundle), expected error name, expected message (or function of bundle), runc refuses it too]
const BAD = [
  ['args not an array', (s) => { s.process.args = 'sh'; }, 'InvalidArgumentError', 'config.json: process.args must be an array of strings', true],
  ['args with a number', (s) => { s.process.args = ['sh', 1]; }, 'InvalidArgumentError', 'config.json: process.args must be an array of strings', true],
  ['args empty', (s) => { s.process.args = []; }, 'InvalidArgumentError', 'config.json: process.args must not be empty', true],
  ['args missing', (s) => del(s.process, 'args'), 'InvalidArgumentError', 'config.json: process.args is required', true],
  ['cwd relative', (s) => { s.process.cwd = 'tmp'; }, 'InvalidArgumentError', 'config.json: process.cwd must be an absolute path, not "tmp"', true],
  ['cwd missing', (s) => del(s.process, 'cwd'), 'InvalidArgumentError', 'config.json: process.cwd is required', true],
  ['cwd empty', (s) => { s.process.cwd = ''; }, 'InvalidArgumentError', 'config.json: process.cwd must not be empty', true],
  ['ociVersion missing', (s) => del(s, 'ociVersion'), 'InvalidArgumentError', 'config.json: ociVersion is required', false],
  ['ociVersion a number', (s) => { s.ociVersion = 1; }, 'InvalidArgumentError', 'config.json: ociVersion must be a string', true],
  ['ociVersion not semver', (s) => { s.ociVersion = 'one'; }, 'InvalidArgumentError', 'config.json: ociVersion must be a SemVer version like "1.0.2", not "one"', false],
  ['ociVersion 2.x', (s) => { s.ociVersion = '2.0.0'; }, 'UnsupportedError', 'config.json: ociVersion: version 2.0.0 is not supported (this runtime reads 1.x)', false],
  ['root missing', (s) => del(s, 'root'), 'InvalidArgumentError', 'config.json: root is required', true],
  ['root.path empty', (s) => { s.root.path = ''; }, 'InvalidArgumentError', 'config.json: root.path must not be empty', false],
  ['rootfs missing', (s) => { s.root.path = 'nope'; }, 'NotFoundError', (b) => `rootfs (${b}/nope) does not exist`, true],
  ['rootfs a file', (s, b) => { writeFileSync(join(b, 'afile'), ''); s.root.path = 'afile'; }, 'InvalidArgumentError', (b) => `rootfs (${b}/afile) is not a directory`, true],
  ['terminal a string', (s) => { s.process.terminal = 'yes'; }, 'InvalidArgumentError', 'config.json: process.terminal must be a boolean', true],
  ['uid negative', (s) => { s.process.user.uid = -1; }, 'InvalidArgumentError', 'config.json: process.user.uid must be an unsigned 32-bit integer', true],
  ['uid fractional', (s) => { s.process.user.uid = 1.5; }, 'InvalidArgumentError', 'config.json: process.user.uid must be an unsigned 32-bit integer', true],
  ['additionalGids strings', (s) => { s.process.user.additionalGids = ['10']; }, 'InvalidArgumentError', 'config.json: process.user.additionalGids must be an array of unsigned 32-bit integers', true],
  ['oomScoreAdj out of range', (s) => { s.process.oomScoreAdj = 5000; }, 'InvalidArgumentError', 'config.json: process.oomScoreAdj must be an integer from -1000 to 1000', true],
  ['env without =', (s) => { s.process.env.push('FOO'); }, 'InvalidArgumentError', 'config.json: process.env[2] must be NAME=VALUE, not "FOO" (no \'=\')', true],
  ['env empty name', (s) => { s.process.env.push('=x'); }, 'InvalidArgumentError', 'config.json: process.env[2] must be NAME=VALUE, not "=x" (empty name)', true],
  ['unknown namespace', (s) => { s.linux.namespaces.push({ type: 'foo' }); }, 'InvalidArgumentError',
    'config.json: linux.namespaces[5].type: unknown namespace type "foo" (known: cgroup, ipc, mount, network, pid, time, user, uts)', true],
  ['duplicate namespace', (s) => { s.linux.namespaces.push({ type: 'pid' }); }, 'InvalidArgumentError',
    'config.json: linux.namespaces has a duplicate namespace "pid" at [5]', true],
  ['namespace path relative', (s) => { s.linux.namespaces[1].path = 'ns/net'; }, 'InvalidArgumentError',
    'config.json: linux.namespaces[1].path must be an absolute path, not "ns/net"', true],
  ['namespaces not an array', (s) => { s.linux.namespaces = { type: 'pid' }; }, 'InvalidArgumentError', 'config.json: linux.namespaces must be an array of objects', true],
  ['unknown capability', (s) => { s.process.capabilities.bounding.push('CAP_FOO'); }, 'InvalidArgumentError',
    'config.json: process.capabilities.bounding[3]: unknown capability "CAP_FOO" (known: CAP_CHOWN..CAP_CHECKPOINT_RESTORE, see `runc features`)', false],
  ['capability without CAP_', (s) => { s.process.capabilities.ambient[0] = 'chown'; }, 'InvalidArgumentError',
    'config.json: process.capabilities.ambient[0]: unknown capability "chown" (did you mean CAP_CHOWN?)', false],
  ['unknown rlimit', (s) => { s.process.rlimits[0].type = 'RLIMIT_FOO'; }, 'InvalidArgumentError',
    `config.json: process.rlimits[0].type: unknown rlimit type "RLIMIT_FOO" (known: ${Object.keys(RLIMITS).join(', ')})`, true],
  ['rlimit soft above hard', (s) => { s.process.rlimits[0].soft = 2048; }, 'InvalidArgumentError',
    'config.json: process.rlimits[0]: soft limit 2048 must not exceed hard limit 1024', true],
  ['rlimit negative', (s) => { s.process.rlimits[0].hard = -1; }, 'InvalidArgumentError',
    'config.json: process.rlimits[0].hard must be an unsigned 64-bit integer', true],
  ['duplicate rlimit', (s) => { s.process.rlimits.push({ type: 'RLIMIT_NOFILE', hard: 1, soft: 1 }); }, 'InvalidArgumentError',
    'config.json: process.rlimits has a duplicate rlimit "RLIMIT_NOFILE" at [1]', false],
  ['mount without destination', (s) => del(s.mounts[0], 'destination'), 'InvalidArgumentError', 'config.json: mounts[0].destination is required', false],
  ['mounts an object', (s) => { s.mounts = {}; }, 'InvalidArgumentError', 'config.json: mounts must be an array of objects', true],
  ['mount options a string', (s) => { s.mounts[1].options = 'ro'; }, 'InvalidArgumentError', 'config.json: mounts[1].options must be an array of strings', true],
  ['mount source with NUL', (s) => { s.mounts[0].source = 'pr\0oc'; }, 'InvalidArgumentError', 'config.json: mounts[0].source must not contain a NUL byte', true],
  ['id-mapped mount', (s) => { s.mounts[0].uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }]; }, 'UnsupportedError',
    'config.json: mounts[0]: id-mapped mounts (uidMappings/gidMappings) are not supported by this runtime', false],
  ['hook path relative', (s) => { s.hooks = { prestart: [{ path: 'hook.sh' }] }; }, 'InvalidArgumentError',
    'config.json: hooks.prestart[0].path must be an absolute path, not "hook.sh"', true],
  ['hook without path', (s) => { s.hooks = { createRuntime: [{ args: ['x'] }] }; }, 'InvalidArgumentError', 'config.json: hooks.createRuntime[0].path is required', true],
  ['hook timeout zero', (s) => { s.hooks = { poststart: [{ path: '/bin/true', timeout: 0 }] }; }, 'InvalidArgumentError',
    'config.json: hooks.poststart[0].timeout must be an integer from 1 to 2147483647', true],
  ['seccomp unknown default action', (s) => { s.linux.seccomp = { defaultAction: 'SCMP_ACT_FOO' }; }, 'InvalidArgumentError',
    'config.json: linux.seccomp.defaultAction: unknown seccomp action "SCMP_ACT_FOO" (known: SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_LOG, SCMP_ACT_TRACE, SCMP_ACT_TRAP)', true],
  ['seccomp unknown operator', (s) => {
    s.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_ABOUT' }] }] };
  }, 'InvalidArgumentError',
  'config.json: linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator "SCMP_CMP_ABOUT" (known: SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_LE, SCMP_CMP_LT, SCMP_CMP_MASKED_EQ, SCMP_CMP_NE)', true],
  ['seccomp unknown arch', (s) => { s.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_Z80'] }; }, 'InvalidArgumentError',
    'config.json: linux.seccomp.architectures[0]: unknown seccomp architecture "SCMP_ARCH_Z80"', true],
  ['seccomp unknown flag', (s) => { s.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_FOO'] }; }, 'InvalidArgumentError',
    'config.json: linux.seccomp.flags[0]: unknown seccomp flag "SECCOMP_FILTER_FLAG_FOO" (known: SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_SPEC_ALLOW, SECCOMP_FILTER_FLAG_LOG)', true],
  ['seccomp arg index 6', (s) => {
    s.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }] };
  }, 'InvalidArgumentError', 'config.json: linux.seccomp.syscalls[0].args[0].index must be an integer from 0 to 5', true],
  ['seccomp rule without names', (s) => { s.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: [], action: 'SCMP_ACT_ERRNO' }] }; }, 'InvalidArgumentError',
    'config.json: linux.seccomp.syscalls[0].names must not be empty', false],
  ['seccomp rules without default', (s) => { s.linux.seccomp = { syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO' }] }; }, 'InvalidArgumentError',
    'config.json: linux.seccomp needs a defaultAction when syscalls are given', true],
  ['seccomp notify', (s) => { s.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['kill'], action: 'SCMP_ACT_NOTIFY' }] }; }, 'UnsupportedError',
    'config.json: linux.seccomp.syscalls[0].action: seccomp action SCMP_ACT_NOTIFY is not supported by this runtime', false],
  ['net sysctl without netns', (s) => { nsOnly(s, 'pid', 'ipc', 'uts', 'mount'); s.linux.sysctl = { 'net.ipv4.ip_forward': '1' }; }, 'InvalidArgumentError',
    'config.json: linux.sysctl["net.ipv4.ip_forward"] needs a network namespace (add {"type": "network"} to linux.namespaces): setting it in the host\'s network namespace would change the host\'s', true],
  ['net sysctl in the host netns by path', (s) => { s.linux.namespaces[1].path = '/proc/self/ns/net'; s.linux.sysctl = { 'net.ipv4.ip_forward': '1' }; }, 'InvalidArgumentError',
    'config.json: linux.sysctl["net.ipv4.ip_forward"] needs a network namespace (add {"type": "network"} to linux.namespaces): setting it in the host\'s network namespace would change the host\'s', true],
  ['slash sysctl without netns', (s) => { nsOnly(s, 'pid', 'ipc', 'uts', 'mount'); s.linux.sysctl = { 'net/ipv4/ip_forward': '1' }; }, 'InvalidArgumentError',
    'config.json: linux.sysctl["net/ipv4/ip_forward"] needs a network namespace (add {"type": "network"} to linux.namespaces): setting it in the host\'s network namespace would change the host\'s', true],
  ['ipc sysctl without ipcns', (s) => { nsOnly(s, 'pid', 'network', 'uts', 'mount'); s.linux.sysctl = { 'kernel.msgmax': '8192' }; }, 'InvalidArgumentError',
    'config.json: linux.sysctl["kernel.msgmax"] needs a ipc namespace (add {"type": "ipc"} to linux.namespaces): setting it would change the host\'s', true],
  ['mqueue sysctl without ipcns', (s) => { nsOnly(s, 'pid', 'network', 'uts', 'mount'); s.linux.sysctl = { 'fs.mqueue.msg_max': '10' }; }, 'InvalidArgumentError',
    'config.json: linux.sysctl["fs.mqueue.msg_max"] needs a ipc namespace (add {"type": "ipc"} to linux.namespaces): setting it would change the host\'s', true],
  ['kernel.hostname sysctl', (s) => { s.linux.sysctl = { 'kernel.hostname': 'x' }; }, 'InvalidArgumentError',
    'config.json: linux.sysctl["kernel.hostname"] is not allowed: use the "hostname" field', true],
  ['kernel.domainname without uts', (s) => { nsOnly(s, 'pid', 'network', 'ipc', 'mount'); del(s, 'hostname'); s.linux.sysctl = { 'kernel.domainname': 'x' }; }, 'InvalidArgumentError',
    'config.json: linux.sysctl["kernel.domainname"] needs a uts namespace (add {"type": "uts"} to linux.namespaces): setting it would change the host\'s', true],
  ['host-wide sysctl', (s) => { s.linux.sysctl = { 'vm.swappiness': '10' }; }, 'InvalidArgumentError',
    'config.json: linux.sysctl["vm.swappiness"] is not allowed: no namespace isolates it, so it would change the host\'s', true],
  ['sysctl value a number', (s) => { s.linux.sysctl = { 'net.ipv4.ip_forward': 1 }; }, 'InvalidArgumentError',
    'config.json: linux.sysctl["net.ipv4.ip_forward"] must be a string', true],
  ['hostname without uts', (s) => { nsOnly(s, 'pid', 'network', 'ipc', 'mount'); }, 'InvalidArgumentError',
    'config.json: hostname needs a uts namespace (add {"type": "uts"} to linux.namespaces): setting it would change the host\'s', true],
  ['maskedPaths without mount ns', (s) => { nsOnly(s, 'pid', 'network', 'ipc', 'uts'); }, 'InvalidArgumentError',
    'config.json: linux.maskedPaths needs a mount namespace (add {"type": "mount"} to linux.namespaces): masking would apply to the host\'s mounts', true],
  ['maskedPaths relative', (s) => { s.linux.maskedPaths.push('proc/kcore'); }, 'InvalidArgumentError',
    'config.json: linux.maskedPaths[10] must be an absolute path, not "proc/kcore"', false],
  ['mappings without userns', (s) => { s.linux.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }]; }, 'InvalidArgumentError',
    'config.json: linux.uidMappings needs a user namespace (add {"type": "user"} to linux.namespaces): mappings apply to a new user namespace', false],
  ['userns without mappings', (s) => { s.linux.namespaces.push({ type: 'user' }); }, 'InvalidArgumentError',
    'config.json: linux.namespaces has a new user namespace but linux.uidMappings or linux.gidMappings is empty', true],
  ['mapping without size', (s) => { s.linux.namespaces.push({ type: 'user' }); s.linux.uidMappings = [{ containerID: 0, hostID: 1000 }]; }, 'InvalidArgumentError',
    'config.json: linux.uidMappings[0].size is required', false],
  ['timeOffsets without time ns', (s) => { s.linux.timeOffsets = { monotonic: { secs: 10 } }; }, 'InvalidArgumentError',
    'config.json: linux.timeOffsets needs a time namespace (add {"type": "time"} to linux.namespaces): offsets apply to a new time namespace', false],
  ['timeOffsets unknown clock', (s) => { s.linux.namespaces.push({ type: 'time' }); s.linux.timeOffsets = { realtime: { secs: 10 } }; }, 'InvalidArgumentError',
    'config.json: linux.timeOffsets: unknown clock "realtime" (known: monotonic, boottime)', false],
  ['annotation not a string', (s) => { s.annotations = { a: 1 }; }, 'InvalidArgumentError', 'config.json: annotations["a"] must be a string', true],
  ['annotation with empty key', (s) => { s.annotations = { '': 'x' }; }, 'InvalidArgumentError', 'config.json: annotations must not have an empty key', false],
  ['memory limit a string', (s) => { s.linux.resources.memory = { limit: '1G' }; }, 'InvalidArgumentError', 'config.json: linux.resources.memory.limit must be an integer', true],
  ['swappiness above 100', (s) => { s.linux.resources.memory = { swappiness: 200 }; }, 'InvalidArgumentError', 'config.json: linux.resources.memory.swappiness must be an integer from 0 to 100', true],
  ['pids without limit', (s) => { s.linux.resources.pids = {}; }, 'InvalidArgumentError', 'config.json: linux.resources.pids.limit is required', false],
  ['device rule access', (s) => { s.linux.resources.devices.push({ allow: true, access: 'rwx' }); }, 'InvalidArgumentError',
    'config.json: linux.resources.devices[1].access must be made of r, w and m, not "rwx"', false],
  ['device rule without allow', (s) => { s.linux.resources.devices.push({ access: 'r' }); }, 'InvalidArgumentError', 'config.json: linux.resources.devices[1].allow is required', false],
  ['device without numbers', (s) => { s.linux.devices = [{ path: '/dev/x', type: 'c' }]; }, 'InvalidArgumentError',
    'config.json: linux.devices[0] needs major and minor numbers for a device of type "c"', false],
  ['device of unknown type', (s) => { s.linux.devices = [{ path: '/dev/x', type: 'x', major: 1, minor: 3 }]; }, 'InvalidArgumentError',
    'config.json: linux.devices[0].type: unknown device type "x" (known: c, b, u, p)', true],
  ['device path relative', (s) => { s.linux.devices = [{ path: 'dev/x', type: 'c', major: 1, minor: 3 }]; }, 'InvalidArgumentError',
    'config.json: linux.devices[0].path must be an absolute path, not "dev/x"', false],
  ['rootfsPropagation unknown', (s) => { s.linux.rootfsPropagation = 'weird'; }, 'InvalidArgumentError',
    'config.json: linux.rootfsPropagation: unknown rootfs propagation "weird" (known: private, rprivate, shared, rshared, slave, rslave, unbindable, runbindable)', true],
  ['apparmor profile', (s) => { s.process.apparmorProfile = 'docker-default'; }, 'UnsupportedError',
    'config.json: process.apparmorProfile: AppArmor profiles are not supported by this runtime', true],
  ['selinux label', (s) => { s.process.selinuxLabel = 'system_u:system_r:container_t:s0'; }, 'UnsupportedError',
    'config.json: process.selinuxLabel: SELinux labels are not supported by this runtime', true],
  ['intelRdt', (s) => { s.linux.intelRdt = { closID: 'x', l3CacheSchema: 'L3:0=f' }; }, 'UnsupportedError',
    'config.json: linux.intelRdt: Intel RDT is not supported by this runtime', true],
  ['linux an array', (s) => { s.linux = []; }, 'InvalidArgumentError', 'config.json: linux must be an object', true],
  ['process a string', (s) => { s.process = 'sh'; }, 'InvalidArgumentError', 'config.json: process must be an object', true],
  ['scheduler policy', (s) => { s.process.scheduler = { policy: 'SCHED_FAST' }; }, 'InvalidArgumentError',
    'config.json: process.scheduler.policy: unknown scheduler policy "SCHED_FAST" (known: SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE)', false],
  ['consoleSize without width', (s) => { s.process.consoleSize = { height: 10 }; }, 'InvalidArgumentError', 'config.json: process.consoleSize.width is required', false],
];

function bundleWith(t, mutate) {
  const b = tempDir(t);
  mkdirSync(join(b, 'rootfs'));
  const spec = defaultSpec({ cgroupV2: false });
  mutate(spec, b);
  writeFileSync(join(b, 'config.json'), JSON.stringify(spec, null, '\t'));
  return b;
}

for (const [name, mutate, errName, message] of BAD) {
  test(`config.json rejected: ${name}`, (t) => {
    const b = bundleWith(t, mutate);
    const expected = typeof message === 'function' ? message(b) : message;
    assert.throws(() => loadSpec(b), (err) => {
      assert.equal(err.message, expected);
      assert.equal(err.name, errName);
      assert.ok(!err.message.includes('\n'), 'one line');
      return true;
    });
  });
}

// runc refuses these too. The bundle has a real rootfs (busybox as /bin/sh) and no terminal,
// and the unchanged config is checked first to be accepted, so a refusal is about the change.
const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
test('runc 1.1.5 also refuses the configs marked so', {
  skip: !hasRunc ? 'runc not installed' : !isRoot ? 'needs root' : !BUSYBOX ? 'busybox-static not installed' : false,
}, (t) => {
  const root = tempDir(t);
  const sh = join(tempDir(t), 'sh');
  copyFileSync(BUSYBOX, sh);
  const runcCreate = (name, mutate) => {
    const b = bundleWith(t, (s, dir) => {
      s.process.terminal = false;
      mkdirSync(join(dir, 'rootfs', 'bin'));
      linkSync(sh, join(dir, 'rootfs', 'bin', 'sh'));
      mutate(s, dir);
    });
    const id = `berth-oci-test-${process.pid}-${name.replace(/[^\w]+/g, '-')}`;
    const r = spawnSync('runc', ['--root', root, 'create', '--bundle', b, id], { encoding: 'utf8', timeout: 10000 });
    if (r.status === 0) spawnSync('runc', ['--root', root, 'delete', '--force', id]);
    // runc's delete now and then leaves the (empty) cgroups of a container it killed at once: ours to remove.
    for (const dir of [join('/sys/fs/cgroup', id), ...readdirSync('/sys/fs/cgroup').map((h) => join('/sys/fs/cgroup', h, id))]) {
      try { rmdirSync(dir); } catch { /* not there */ }
    }
    return r;
  };
  const base = runcCreate('baseline', () => {});
  assert.equal(base.status, 0, `runc refused the unchanged config: ${base.stderr}`);
  for (const [name, mutate, , , runcRefuses] of BAD) {
    if (!runcRefuses) continue;
    const r = runcCreate(name, mutate);
    assert.notEqual(r.status, 0, `runc accepted "${name}"`);
    t.diagnostic(`${name}: ${r.stderr.trim().replace(/^.*msg=/, '')}`);
  }
});

test('fields are valid when fine, null or unknown', (t) => {
  const cases = [
    (s) => { s.process.terminal = null; s.linux.sysctl = null; },
    (s) => { s.windows = { foo: 1 }; s.vm = 'x'; s.process.futureThing = [1, 2]; },
    (s) => { s.linux.sysctl = { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1', 'fs.mqueue.queues_max': '1', 'kernel.domainname': 'x' }; },
    (s) => { s.linux.sysctl = { 'net/ipv4/conf/eno2.100/rp_filter': '1' }; },
    (s) => { del(s, 'process'); },
    (s) => { del(s.process, 'user'); },
    (s) => { s.linux.seccomp = { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64'], flags: ['SECCOMP_FILTER_FLAG_LOG'],
      syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 18446744073709551615, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] }] }; },
    (s) => { s.linux.seccomp = {}; },
    (s) => { s.process.rlimits.push({ type: 'RLIMIT_CORE', hard: 18446744073709551615, soft: 18446744073709551615 }); },
    (s) => { s.linux.namespaces.push({ type: 'user' }, { type: 'time' }); s.linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      s.linux.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }]; s.linux.timeOffsets = { monotonic: { secs: -5, nanosecs: 1 } }; },
    (s) => { s.linux.namespaces.push({ type: 'user', path: '/proc/1/ns/user' }); },
    (s) => { s.hooks = { prestart: [{ path: '/bin/true', args: ['true'], env: ['A=b'], timeout: 5 }], poststop: [] }; s.annotations = { 'org.example': '' }; },
    (s) => { s.linux.resources = { memory: { limit: -1, swap: -1, swappiness: 0 }, cpu: { shares: 1024, quota: -1, cpus: '0-1' }, pids: { limit: 100 },
      blockIO: { weight: 500, throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }] }, hugepageLimits: [{ pageSize: '2MB', limit: 0 }],
      devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: null, access: 'rw' }], unified: { 'memory.high': '1G' }, rdma: { mlx5_0: { hcaHandles: 3 } } }; },
    (s) => { s.linux.rootfsPropagation = ''; },
    (s) => { s.linux.devices = [{ path: '/dev/fifo', type: 'p' }, { path: '/dev/null2', type: 'c', major: 1, minor: 3, fileMode: 438, uid: 0, gid: 0 }]; },
  ];
  for (const [k, mutate] of cases.entries()) {
    const b = bundleWith(t, mutate);
    assert.doesNotThrow(() => loadSpec(b), `case ${k}`);
  }
  const s = loadSpec(bundleWith(t, (x) => { x.process.terminal = null; del(x.process, 'user'); }));
  assert.equal('terminal' in s.process, false, 'null dropped');
  assert.deepEqual(s.process.user, { uid: 0, gid: 0 }, 'Go zero values');
});

test('a relative mount destination is a warning, as in runc 1.1', (t) => {
  const b = bundleWith(t, (s) => { s.mounts.push({ destination: 'data', type: 'tmpfs', source: 'tmpfs' }); });
  const warnings = [];
  loadSpec(b, { warnings });
  assert.deepEqual(warnings, ['mounts[7].destination "data" is not absolute: taken relative to the rootfs']);
});

test('config.json missing, empty, a directory, or not JSON', (t) => {
  const b = tempDir(t);
  assert.throws(() => loadSpec(b), { name: 'NotFoundError', message: `bundle ${b}: config.json not found` });
  assert.throws(() => loadSpec(join(b, 'x')), { name: 'NotFoundError', message: `bundle ${join(b, 'x')} does not exist` });
  writeFileSync(join(b, 'config.json'), '');
  assert.throws(() => loadSpec(b), { message: 'config.json: the file is empty' });
  rmSync(join(b, 'config.json'));
  mkdirSync(join(b, 'config.json'));
  assert.throws(() => loadSpec(b), { message: `bundle ${b}: config.json is a directory` });
});

const BAD_JSON = [
  ['{\n\t"ociVersion": "1.0.2",\n}', 'line 3, column 1: expected a property name (no trailing comma allowed), found character "}"'],
  ['{\n\t"ociVersion": "1.0.2",\n\t"root": {"path": "rootfs"', 'line 3, column 27: expected \',\' or \'}\' after a property value, found end of input'],
  ['{"process": {"terminal": tru}}', 'line 1, column 29: expected "true", found character "}"'],
  ['{"a": [1 2]}', 'line 1, column 10: expected \',\' or \']\' after an array element, found character "2"'],
  ['{"a": "x\ny"}', 'line 1, column 9: control character in string (escape it)'],
  ['{"a": 1} {}', 'line 1, column 10: expected end of input after the JSON value, found character "{"'],
  ["{'a': 1}", 'line 1, column 2: expected a double-quoted property name, found character "\'"'],
  ['{"a": 01}', 'line 1, column 8: expected \',\' or \'}\' after a property value, found character "1"'],
  ['{"a": "\\x"}', 'line 1, column 9: expected an escape character (one of "\\/bfnrtu), found character "x"'],
  ['[1,]', 'line 1, column 4: expected a value (no trailing comma allowed), found character "]"'],
  ['\ufeff{}', 'line 1, column 1: expected a value, found a byte order mark (save the file without one)'],
  ['{"a":\u00a01}', 'line 1, column 6: expected a value, found character \\u00a0'],
];

test('invalid JSON is reported with line and column', () => {
  for (const [text, where] of BAD_JSON) {
    assert.throws(() => parseSpec(text), { name: 'InvalidArgumentError', message: `config.json: invalid JSON at ${where}` }, text);
  }
  // The recogniser agrees with JSON.parse on what is valid.
  for (const ok of ['{}', '[]', '"x"', '-0.5e+3', '{"a":[true,false,null,{"b":"\\u00e9\\n"}]}', ' \n{ "a" : 1 }\n']) {
    JSON.parse(ok);
    assert.equal(findJsonError(ok), undefined, ok);
  }
  for (const [text] of BAD_JSON) assert.throws(() => JSON.parse(text));
  assert.throws(() => parseSpec('[]'), { message: 'config.json: must hold a JSON object, not an array' });
  assert.throws(() => parseSpec('null'), { message: 'config.json: must hold a JSON object, not null' });
});

test('validateId follows runc', () => {
  for (const ok of ['a', 'abc-123', 'a_b.c', 'A+B', 'x,y', '...', 'a..b', '0']) assert.doesNotThrow(() => validateId(ok), ok);
  for (const bad of ['.', '..', 'a/b', 'a b', 'é', 'a:b', '-\n']) {
    assert.throws(() => validateId(bad), { name: 'InvalidArgumentError', message: 'invalid container ID format' }, bad);
  }
  assert.throws(() => validateId(''), { message: 'container id cannot be empty' });
});

test('sysctl keys with / separators', () => {
  assert.equal(sysctlDotted('net.ipv4.ip_forward'), 'net.ipv4.ip_forward');
  assert.equal(sysctlDotted('net/ipv4/ip_forward'), 'net.ipv4.ip_forward');
  assert.equal(sysctlDotted('net/ipv4/conf/eno2.100/rp_filter'), 'net.ipv4.conf.eno2/100.rp_filter');
});

// ---- mount options ----

const { MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_SYNCHRONOUS, MS_REMOUNT, MS_MANDLOCK, MS_DIRSYNC, MS_NOATIME,
  MS_BIND, MS_REC, MS_PRIVATE, MS_SHARED, MS_SLAVE, MS_STRICTATIME, MS_RELATIME } = mo;

const MOUNT_CASES = [
  [[], { flags: 0, clearFlags: 0, propagation: [], data: '', recAttrSet: 0, recAttrClr: 0, tmpcopyup: false }],
  [['nosuid', 'strictatime', 'mode=755', 'size=65536k'], { flags: MS_NOSUID | MS_STRICTATIME, data: 'mode=755,size=65536k' }],
  [['nosuid', 'noexec', 'nodev', 'relatime', 'ro'], { flags: MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY }],
  [['ro', 'rw'], { flags: 0, clearFlags: MS_RDONLY }],
  [['rw', 'ro'], { flags: MS_RDONLY, clearFlags: 0 }],
  [['nosuid', 'suid', 'dev', 'exec'], { flags: 0, clearFlags: MS_NOSUID | MS_NODEV | MS_NOEXEC }],
  [['rbind', 'rprivate'], { flags: MS_BIND | MS_REC, propagation: [MS_PRIVATE | MS_REC] }],
  [['bind', 'shared', 'slave', 'runbindable'], { flags: MS_BIND, propagation: [MS_SHARED, MS_SLAVE, mo.MS_UNBINDABLE | MS_REC] }],
  [['remount', 'mand', 'dirsync', 'sync'], { flags: MS_REMOUNT | MS_MANDLOCK | MS_DIRSYNC | MS_SYNCHRONOUS }],
  [['mand', 'nomand', 'sync', 'async'], { flags: 0, clearFlags: MS_MANDLOCK | MS_SYNCHRONOUS }],
  [['noatime', 'atime'], { flags: 0, clearFlags: MS_NOATIME }],
  [['nodiratime', 'norelatime', 'nostrictatime'], { flags: mo.MS_NODIRATIME, clearFlags: MS_RELATIME | MS_STRICTATIME }],
  [['rro', 'rnosuid', 'rnodev', 'rnoexec'], { recAttrSet: 0xf, recAttrClr: 0 }],
  [['rro', 'rrw'], { recAttrSet: 0, recAttrClr: mo.MOUNT_ATTR_RDONLY }],
  [['rnoatime'], { recAttrSet: mo.MOUNT_ATTR_NOATIME, recAttrClr: mo.MOUNT_ATTR__ATIME }],
  [['rstrictatime'], { recAttrSet: mo.MOUNT_ATTR_STRICTATIME, recAttrClr: mo.MOUNT_ATTR__ATIME }],
  [['rrelatime'], { recAttrSet: 0, recAttrClr: mo.MOUNT_ATTR__ATIME }],
  [['rnodiratime', 'rnosymfollow'], { recAttrSet: mo.MOUNT_ATTR_NODIRATIME | mo.MOUNT_ATTR_NOSYMFOLLOW, recAttrClr: 0 }],
  [['defaults'], { flags: 0, data: '' }],
  [['tmpcopyup', 'mode=755'], { tmpcopyup: true, data: 'mode=755' }],
  [['newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5', 'constructor', 'toString'], { data: 'newinstance,ptmxmode=0666,mode=0620,gid=5,constructor,toString' }],
  [['nosymfollow', 'lazytime', 'iversion', 'silent', 'acl'], { flags: mo.MS_NOSYMFOLLOW | mo.MS_LAZYTIME | mo.MS_I_VERSION | mo.MS_SILENT | mo.MS_POSIXACL }],
];

test('parseMountOptions', () => {
  const base = mo.parseMountOptions([]);
  for (const [options, expect] of MOUNT_CASES) {
    assert.deepEqual(mo.parseMountOptions(options), { ...base, ...expect }, options.join(','));
  }
  assert.deepEqual(mo.parseMountOptions(undefined), base);
  assert.equal(MS_RDONLY, 1);
  assert.equal(mo.MOUNT_FLAGS.ro.flag, 1);
  assert.equal(mo.MOUNT_FLAGS.rw.clear, true);
  assert.equal(mo.PROPAGATION.rslave, MS_SLAVE | MS_REC);
});

// ---- features ----

test('features agrees with runc features where berth does the same', withRunc, () => {
  const r = spawnSync('runc', ['features'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const theirs = JSON.parse(r.stdout);
  const ours = features();
  assert.deepEqual(Object.keys(ours), ['ociVersionMin', 'ociVersionMax', 'hooks', 'mountOptions', 'linux', 'annotations']);
  assert.deepEqual(Object.keys(ours.linux), ['namespaces', 'capabilities', 'cgroup', 'seccomp', 'apparmor', 'selinux', 'intelRdt', 'mountExtensions']);
  assert.equal(ours.ociVersionMin, theirs.ociVersionMin);
  assert.deepEqual(ours.hooks, theirs.hooks);
  // runc 1.1 knows tmpcopyup, which berth parses but does not apply yet.
  assert.deepEqual(ours.mountOptions, theirs.mountOptions.filter((o) => o !== 'tmpcopyup'));
  assert.deepEqual(ours.linux.capabilities, theirs.linux.capabilities);
  for (const ns of theirs.linux.namespaces) assert.ok(ours.linux.namespaces.includes(ns), ns);
  assert.deepEqual(ours.linux.namespaces, [...ours.linux.namespaces].sort());
  assert.deepEqual(ours.linux.seccomp.operators, theirs.linux.seccomp.operators);
  for (const a of theirs.linux.seccomp.archs) assert.ok(ours.linux.seccomp.archs.includes(a), a);
  for (const a of ours.linux.seccomp.actions) assert.ok(theirs.linux.seccomp.actions.includes(a), a);
  assert.equal(ours.linux.seccomp.enabled, true);
  assert.deepEqual(ours.linux.cgroup, { v1: true, v2: true, systemd: false, systemdUser: false, rdma: true });
  assert.equal(ours.annotations['io.github.seccomp.libseccomp.version'], theirs.annotations['io.github.seccomp.libseccomp.version']);
});

test('features without libseccomp reports seccomp disabled', () => {
  const f = features({ libseccompVersion: null, version: '0.1.0', commit: 'abc' });
  assert.deepEqual(f.linux.seccomp, { enabled: false });
  assert.deepEqual(f.annotations, {
    'org.opencontainers.runc.checkpoint.enabled': 'false',
    'org.opencontainers.runc.commit': 'abc',
    'org.opencontainers.runc.version': '0.1.0',
  });
  // Every listed mount option is understood (none falls through to filesystem data).
  for (const o of f.mountOptions) assert.equal(mo.parseMountOptions([o]).data, '', o);
});

test('capability and rlimit tables', () => {
  assert.equal(Object.keys(CAPABILITIES).length, 41);
  assert.equal(CAPABILITIES.CAP_CHOWN, 0);
  assert.equal(CAPABILITIES.CAP_SYS_ADMIN, 21);
  assert.equal(CAPABILITIES.CAP_CHECKPOINT_RESTORE, 40);
  assert.deepEqual(Object.values(CAPABILITIES), [...Array(41).keys()]);
  assert.equal(RLIMITS.RLIMIT_CPU, 0);
  assert.equal(RLIMITS.RLIMIT_NOFILE, 7);
  assert.equal(RLIMITS.RLIMIT_RTTIME, 15);
  assert.deepEqual(Object.values(RLIMITS), [...Array(16).keys()]);
});
