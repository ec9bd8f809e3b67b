// The spec a container gets from an image (containers/generate.ts): containerd's default Linux
// spec, the image config, the user resolved through the rootfs's /etc/passwd and /etc/group
// (across layers, with whiteouts), and ctr's flags, each checked for what it changes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const require = createRequire(import.meta.url);
const c = require(join(DIST, 'containers/index.js'));

const tmp = fs.mkdtempSync(join(tmpdir(), 'berth-spec-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function layer(name, files) {
  const dir = join(tmp, name);
  for (const [p, text] of Object.entries(files)) {
    fs.mkdirSync(join(dir, dirname(p)), { recursive: true });
    if (text === null) {
      // An overlay whiteout: a 0/0 character device.
      assert.equal(spawnSync('mknod', [join(dir, p), 'c', '0', '0']).status, 0);
    } else {
      fs.writeFileSync(join(dir, p), text);
    }
  }
  return dir;
}

const lower = layer('lower', {
  'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nfoo:x:1000:1000::/home/foo:/bin/sh\n# comment\nbad:line\n',
  'etc/group': 'root:x:0:\nfoo:x:1000:\nextra:x:2000:foo,bar\nwheel:x:10:root\n',
});
const read = c.rootfsReader([lower]);
const IMG = { Cmd: ['sh'], Entrypoint: ['/bin/busybox'], Env: ['PATH=/bin', 'A=1'], WorkingDir: '/w', User: 'foo', ExposedPorts: { '80/tcp': {} } };
const gen = (opts = {}, image = IMG, reader = read) => c.generateSpec({ namespace: 'ns1', id: 'id1', image, readFile: reader }, opts);

test('the default spec: containerd\'s mounts, capabilities, namespaces, masked paths and the cgroups path ctr sets', () => {
  const s = gen({}, {});
  assert.equal(s.ociVersion, '1.0.2-dev');
  assert.deepEqual(Object.keys(s), ['ociVersion', 'process', 'root', 'mounts', 'linux']);
  assert.deepEqual(s.root, { path: 'rootfs' });
  assert.deepEqual(s.mounts.map((m) => m.destination), ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/run']);
  assert.equal(s.process.capabilities.bounding.length, 14);
  assert.ok(!('inheritable' in s.process.capabilities) && !('ambient' in s.process.capabilities));
  assert.deepEqual(s.process.rlimits, [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }]);
  assert.equal(s.process.noNewPrivileges, true);
  assert.equal(s.linux.cgroupsPath, '/ns1/id1');
  assert.deepEqual(s.linux.namespaces.map((n) => n.type), ['pid', 'ipc', 'uts', 'mount', 'network']);
  assert.ok(s.linux.maskedPaths.includes('/proc/kcore') && s.linux.readonlyPaths.includes('/proc/sys'));
  assert.deepEqual(s.linux.resources.devices[0], { allow: false, access: 'rwm' });
  assert.deepEqual(s.linux.resources.devices.find((d) => d.major === 136), { allow: true, type: 'c', major: 136, access: 'rwm' });
  // No image env: containerd's default PATH; root with its groups.
  assert.deepEqual(s.process.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  assert.deepEqual(s.process.user, { uid: 0, gid: 0, additionalGids: [0, 10] });
  assert.equal(s.process.cwd, '/');
});

test('the image config: entrypoint + cmd, env, working dir, user by name with its groups', () => {
  const s = gen();
  assert.deepEqual(s.process.args, ['/bin/busybox', 'sh']);
  assert.deepEqual(s.process.env, ['PATH=/bin', 'A=1']);
  assert.equal(s.process.cwd, '/w');
  assert.deepEqual(s.process.user, { uid: 1000, gid: 1000, additionalGids: [1000, 2000] });
  assert.ok(!JSON.stringify(s).includes('80/tcp'));
});

test('users: uid, uid:gid, names, unknown names, a uid with no passwd entry', () => {
  assert.deepEqual(gen({ user: '1000' }).process.user, { uid: 1000, gid: 1000, additionalGids: [1000, 2000] });
  assert.deepEqual(gen({ user: '4242' }).process.user, { uid: 4242, gid: 0, additionalGids: [0] });
  assert.deepEqual(gen({ user: 'foo:wheel' }).process.user, { uid: 1000, gid: 10, additionalGids: [10] });
  assert.deepEqual(gen({ user: '5:6' }).process.user, { uid: 5, gid: 6, additionalGids: [6] });
  assert.throws(() => gen({ user: 'nobody' }), /user "nobody": not found in the rootfs's \/etc\/passwd/);
  assert.throws(() => gen({ user: 'foo:nogroup' }), /group "nogroup": not found/);
  assert.throws(() => gen({ user: 'a:b:c' }), /expected user\[:group\]/);
  assert.throws(() => gen({}, { User: 'ghost' }), /user "ghost"/);
});

test('files are read from the topmost layer that has them; a whiteout hides the lower ones', () => {
  const upper = layer('upper', { 'etc/passwd': 'root:x:0:0::/:/bin/sh\nfoo:x:77:88::/:/bin/sh\n' });
  const gone = layer('gone', { 'etc/group': null });
  const s = gen({}, IMG, c.rootfsReader([gone, upper, lower]));
  // passwd from upper (uid 77), group hidden by the whiteout: only the primary gid.
  assert.deepEqual(s.process.user, { uid: 77, gid: 88, additionalGids: [88] });
  assert.deepEqual(c.layerDirs([{ type: 'overlay', source: 'overlay', options: ['index=off', 'workdir=/w', 'upperdir=/u', 'lowerdir=/l1:/l2'] }]), ['/u', '/l1', '/l2']);
  assert.deepEqual(c.layerDirs([{ type: 'bind', source: '/x', options: ['ro', 'rbind'] }]), ['/x']);
});

test('env flags, env file and tty merge as containerd merges them', () => {
  const file = join(tmp, 'env');
  fs.writeFileSync(file, '# c\nB=file\n\nA=file\n');
  const s = gen({ env: ['B=flag', 'C=3', 'PATH'], envFile: file, tty: true });
  // Image env first, overridden in place, TERM last. The flags are merged before the image's env
  // (ctr's order), so a bare PATH finds nothing to unset there and the image's PATH stays.
  assert.deepEqual(s.process.env, ['PATH=/bin', 'A=file', 'B=flag', 'C=3', 'TERM=xterm']);
  assert.equal(s.process.terminal, true);
  assert.deepEqual(c.mergeEnv(['X=1', 'Y=2'], ['Y=3', 'Z=4', 'X']), ['Y=3', 'Z=4']);
  assert.throws(() => gen({ envFile: join(tmp, 'nope') }), /env file .*nope: no such file or directory/);
});

test('args replace entrypoint and cmd; cwd, hostname, read-only, mounts, annotations', () => {
  const s = gen({ args: ['echo', 'hi'], cwd: '/x', hostname: 'h', readOnly: true, annotations: { z: '1', a: '2' },
    mounts: [{ destination: '/m', type: 'bind', source: '/tmp', options: ['rbind', 'ro'] }] });
  assert.deepEqual(s.process.args, ['echo', 'hi']);
  assert.equal(s.process.cwd, '/x');
  assert.equal(s.hostname, 'h');
  assert.deepEqual(s.root, { path: 'rootfs', readonly: true });
  assert.deepEqual(s.mounts.at(-1), { destination: '/m', type: 'bind', source: '/tmp', options: ['rbind', 'ro'] });
  assert.deepEqual(Object.keys(s.annotations), ['a', 'z']);
  assert.deepEqual(Object.keys(s), ['ociVersion', 'process', 'root', 'hostname', 'mounts', 'annotations', 'linux']);
});

test('privileged: every capability held, all devices, no masked paths, writable sysfs', () => {
  const s = gen({ privileged: true });
  assert.ok(s.process.capabilities.bounding.includes('CAP_SYS_ADMIN'));
  assert.ok(s.process.capabilities.bounding.length > 30);
  assert.equal(s.linux.maskedPaths, undefined);
  assert.equal(s.linux.readonlyPaths, undefined);
  assert.deepEqual(s.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
  assert.ok(s.linux.devices.some((d) => d.path === '/dev/null' && d.type === 'c' && d.major === 1 && d.minor === 3));
  assert.ok(!s.linux.devices.some((d) => d.path === '/dev/console' || d.path.startsWith('/dev/pts/')));
  assert.deepEqual(s.mounts.find((m) => m.destination === '/sys').options, ['nosuid', 'noexec', 'nodev', 'rw']);
  assert.equal(s.linux.seccomp, undefined);
});

test('net-host, capabilities, seccomp, resources, namespaces, devices, rlimits', () => {
  const h = gen({ netHost: true });
  assert.ok(!h.linux.namespaces.some((n) => n.type === 'network'));
  assert.deepEqual(h.mounts.slice(-2).map((m) => m.destination), ['/etc/hosts', '/etc/resolv.conf']);
  assert.match(h.process.env.at(-1), /^HOSTNAME=/);

  const k = gen({ capAdd: ['CAP_SYS_ADMIN'], capDrop: ['CAP_CHOWN', 'CAP_NET_RAW'], seccomp: true });
  assert.ok(k.process.capabilities.effective.includes('CAP_SYS_ADMIN'));
  assert.ok(!k.process.capabilities.permitted.includes('CAP_CHOWN'));
  const names = k.linux.seccomp.syscalls.flatMap((r) => r.names);
  // CAP_SYS_ADMIN allows mount and unrestricted clone; without it, clone is masked and clone3 gets ENOSYS.
  assert.ok(names.includes('mount') && !k.linux.seccomp.syscalls.some((r) => r.names[0] === 'clone3' && r.action === 'SCMP_ACT_ERRNO'));
  const d = gen({ seccomp: true }).linux.seccomp;
  assert.equal(d.defaultAction, 'SCMP_ACT_ERRNO');
  assert.ok(!d.syscalls.flatMap((r) => r.names).includes('mount'));
  assert.deepEqual(d.syscalls.at(-1), { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
  assert.throws(() => gen({ capAdd: ['SYS_ADMIN'] }), /'CAP_' prefix/);

  const r = gen({ memoryLimit: 1 << 24, cpus: 1.5, cpuShares: 512, cpusetCpus: '0', rlimitNofile: 4096, withNs: [{ type: 'network', path: '/proc/1/ns/net' }, { type: 'cgroup', path: '/x' }] });
  assert.deepEqual(r.linux.resources.memory, { limit: 1 << 24 });
  assert.deepEqual(r.linux.resources.cpu, { shares: 512, quota: 150000, period: 100000, cpus: '0' });
  assert.deepEqual(r.process.rlimits, [{ type: 'RLIMIT_NOFILE', hard: 4096, soft: 4096 }]);
  assert.deepEqual(r.linux.namespaces.slice(-2), [{ type: 'network', path: '/proc/1/ns/net' }, { type: 'cgroup', path: '/x' }]);
  assert.throws(() => gen({ withNs: [{ type: 'bogus', path: '/x' }] }), /namespace type bogus/);
  assert.throws(() => gen({ cpus: 1, cpuQuota: 5000 }), /cpus and quota\/period/);

  const v = gen({ devices: ['/dev/null'] });
  assert.deepEqual(v.linux.devices, [{ path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 }]);
  assert.deepEqual(v.linux.resources.devices.at(-1), { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' });
  assert.throws(() => gen({ devices: [join(tmp, 'env')] }), /not a device node/);
  assert.throws(() => gen({ devices: ['/dev/nope'] }), /device \/dev\/nope: no such file/);
});

test('container filters: containerd\'s selector syntax', () => {
  const mk = (id, image, labels) => ({ id, image, labels, runtime: { name: 'io.containerd.runc.v2' }, snapshotter: 'overlayfs', snapshotKey: id });
  const list = [mk('a', 'img:1', { x: 'y', 'k.with.dots': '1' }), mk('b', 'img:2', {})];
  const ids = (...f) => list.filter(c.parseContainerFilters(f)).map((x) => x.id);
  assert.deepEqual(ids(), ['a', 'b']);
  assert.deepEqual(ids('image==img:2'), ['b']);
  assert.deepEqual(ids('labels.x==y'), ['a']);
  assert.deepEqual(ids('labels.x'), ['a']);
  assert.deepEqual(ids('labels."k.with.dots"==1'), ['a']);
  assert.deepEqual(ids('image!=img:2,id~=^a'), ['a']);
  assert.deepEqual(ids('id==b', 'labels.x==y'), ['a', 'b']);
  assert.deepEqual(ids('runtime.name==io.containerd.runc.v2,snapshotter==native'), []);
  assert.throws(() => ids('id~=('), /filter "id~=\("/);
});
