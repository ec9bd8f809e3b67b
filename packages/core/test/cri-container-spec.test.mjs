// The OCI spec of a CRI container, as containerd 1.7's CRI plugin builds it, from a container
// config, the pod it joins and the image's config: a pure function, checked rule by rule.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const dist = join(import.meta.dirname, '..', 'dist', 'cri');
const { containerSpec, processArgs } = require(join(dist, 'container-spec.js'));
const { toContainerConfig } = require(join(dist, 'container-config.js'));

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nweb:x:1000:1001:web:/home/web:/bin/sh\n';
const GROUP = 'root:x:0:\nweb:x:1001:\naudio:x:29:web\n';
const readFile = (f) => ({ '/etc/passwd': PASSWD, '/etc/group': GROUP })[f];

describe('CRI container spec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cri-spec-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const sandbox = (o = {}) => ({
    id: 'p'.repeat(64), hostname: 'podhost', cgroupParent: '',
    config: { metadata: { name: 'pod', namespace: 'ns', uid: 'uid1', attempt: 0 }, logDirectory: '', labels: {}, annotations: {} },
    namespaces: { net: '/run/ns/net', ipc: '/run/ns/ipc', uts: '/run/ns/uts', pid: '/run/ns/pid' },
    files: { hostname: '/p/hostname', hosts: '/p/hosts', resolvConf: '/p/resolv.conf', shm: '/p/shm' },
    ...o,
  });
  const spec = (cfg, img = { Cmd: ['sh'], Env: ['PATH=/bin', 'A=img'] }, sb = sandbox()) =>
    containerSpec({ id: 'c'.repeat(64), config: toContainerConfig({ metadata: { name: 'ctr' }, image: { image: 'busybox' }, ...cfg }), sandbox: sb, image: img, imageName: 'busybox', readFile });

  it('command and args over the image\'s entrypoint and cmd (moby\'s rules)', () => {
    const c = (x) => toContainerConfig({ metadata: { name: 'n' }, image: { image: 'i' }, ...x });
    const img = { Entrypoint: ['/ep'], Cmd: ['c1'] };
    assert.deepEqual(processArgs(c({}), img), ['/ep', 'c1']);
    assert.deepEqual(processArgs(c({ args: ['a'] }), img), ['/ep', 'a']);
    assert.deepEqual(processArgs(c({ command: ['/cmd'] }), img), ['/cmd']);
    assert.deepEqual(processArgs(c({ command: ['/cmd'], args: ['a'] }), img), ['/cmd', 'a']);
    assert.deepEqual(processArgs(c({}), { Entrypoint: [''], Cmd: ['x'] }), ['x']);
    assert.throws(() => processArgs(c({}), {}), /no command specified/);
  });

  it('env: PATH, HOSTNAME, then the image\'s and the config\'s in one WithEnv (containerd\'s replace-or-append)', () => {
    const s = spec({ envs: [{ key: 'A', value: 'cfg' }, { key: 'B', value: 'b' }, { key: 'PATH', value: '/cfg' }] });
    // Names already set are replaced in place; new ones appended, and (as containerd does) a
    // name appended by the image is appended again by the config.
    assert.deepEqual(s.process.env, ['PATH=/cfg', 'HOSTNAME=podhost', 'A=img', 'A=cfg', 'B=b']);
    assert.equal(s.process.cwd, '/');
    assert.equal(spec({ working_dir: '/w' }).process.cwd, '/w');
  });

  it('joins the pod\'s namespaces by path; pid by its own mode', () => {
    const ns = (s) => Object.fromEntries(s.linux.namespaces.map((n) => [n.type, n.path ?? '']));
    assert.deepEqual(ns(spec({})), { pid: '/run/ns/pid', ipc: '/run/ns/ipc', uts: '/run/ns/uts', mount: '', network: '/run/ns/net' });
    assert.equal(ns(spec({ linux: { security_context: { namespace_options: { pid: 'CONTAINER' } } } })).pid, '');
    assert.ok(!('pid' in ns(spec({ linux: { security_context: { namespace_options: { pid: 'NODE' } } } }))));
    // A pod on the host's network: no network or uts namespace of its own.
    const host = ns(spec({}, undefined, sandbox({ namespaces: { ipc: '/run/ns/ipc' } })));
    assert.ok(!('network' in host) && !('uts' in host));
    assert.equal(host.pid, '', 'pid POD without a pod pid namespace: one of its own');
  });

  it('the pod\'s /etc files and shm, CRI mounts in depth order, no /run, read-only cgroup fs', () => {
    const s = spec({ mounts: [{ container_path: '/data/sub', host_path: join(dir, 'sub') }, { container_path: '/data', host_path: join(dir, 'data'), readonly: true, propagation: 'PROPAGATION_HOST_TO_CONTAINER' }] });
    const byDest = Object.fromEntries(s.mounts.map((m) => [m.destination, m]));
    assert.equal(byDest['/etc/hosts'].source, '/p/hosts');
    assert.deepEqual(byDest['/etc/hosts'].options, ['rbind', 'rprivate', 'rw']);
    assert.equal(byDest['/dev/shm'].source, '/p/shm');
    assert.equal(byDest['/dev/shm'].type, 'bind');
    assert.equal(byDest['/run'], undefined);
    assert.deepEqual(byDest['/sys/fs/cgroup'].options, ['nosuid', 'noexec', 'nodev', 'relatime', 'ro']);
    assert.deepEqual(byDest['/data'].options, ['rbind', 'rslave', 'ro']);
    const order = s.mounts.map((m) => m.destination);
    assert.ok(order.indexOf('/data') < order.indexOf('/data/sub'));
    const ro = spec({ linux: { security_context: { readonly_rootfs: true } } });
    assert.equal(ro.root.readonly, true);
    assert.deepEqual(ro.mounts.find((m) => m.destination === '/etc/resolv.conf').options, ['rbind', 'rprivate', 'ro']);
  });

  it('capabilities: add/drop by CRI names, ALL; privileged gets everything and no masks', () => {
    const caps = (sc) => spec({ linux: { security_context: sc } }).process.capabilities;
    const c1 = caps({ capabilities: { add_capabilities: ['NET_ADMIN'], drop_capabilities: ['KILL'] } });
    assert.ok(c1.bounding.includes('CAP_NET_ADMIN') && c1.effective.includes('CAP_NET_ADMIN'));
    assert.ok(!c1.bounding.includes('CAP_KILL') && !c1.permitted.includes('CAP_KILL'));
    assert.deepEqual(caps({ capabilities: { drop_capabilities: ['ALL'], add_capabilities: ['CHOWN'] } }).bounding, ['CAP_CHOWN']);
    const p = spec({ linux: { security_context: { privileged: true } } });
    assert.ok(p.process.capabilities.bounding.includes('CAP_SYS_ADMIN'));
    assert.equal(p.linux.maskedPaths, undefined);
    assert.deepEqual(p.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
    assert.ok(spec({}).linux.maskedPaths.includes('/proc/kcore'));
  });

  it('user: run_as_username / run_as_user / run_as_group, else the image\'s; groups from the rootfs', () => {
    assert.deepEqual(spec({ linux: { security_context: { run_as_username: 'web' } } }).process.user, { uid: 1000, gid: 1001, additionalGids: [1001, 29] });
    assert.deepEqual(spec({ linux: { security_context: { run_as_user: { value: 1000 }, run_as_group: { value: 5 } } } }).process.user, { uid: 1000, gid: 5, additionalGids: [5, 29] });
    assert.equal(spec({}, { Cmd: ['sh'], User: 'web' }).process.user.uid, 1000);
    assert.equal(spec({}).process.user.uid, 0);
  });

  it('resources, cgroup path under the pod\'s parent, no_new_privs, annotations', () => {
    const s = spec({ linux: { resources: { cpu_period: 100000, cpu_quota: 50000, cpu_shares: 512, memory_limit_in_bytes: 1 << 26, cpuset_cpus: '0', oom_score_adj: 10 }, security_context: { no_new_privs: true } } },
      undefined, sandbox({ cgroupParent: '/kubepods/pod1' }));
    assert.deepEqual(s.linux.resources.cpu, { shares: 512, quota: 50000, period: 100000, cpus: '0' });
    assert.equal(s.linux.resources.memory.limit, 1 << 26);
    assert.equal(s.process.oomScoreAdj, 10);
    assert.equal(s.linux.cgroupsPath, `/kubepods/pod1/${'c'.repeat(64)}`);
    assert.equal(s.process.noNewPrivileges, true);
    assert.equal(spec({}).process.noNewPrivileges, undefined);
    assert.equal(spec({}).linux.cgroupsPath, `/k8s.io/${'c'.repeat(64)}`);
    assert.equal(spec({}, undefined, sandbox({ cgroupParent: 'kubepods-besteffort.slice' })).linux.cgroupsPath, `kubepods-besteffort.slice:cri-containerd:${'c'.repeat(64)}`);
    assert.deepEqual(s.annotations, {
      'io.kubernetes.cri.container-type': 'container', 'io.kubernetes.cri.sandbox-id': 'p'.repeat(64), 'io.kubernetes.cri.sandbox-namespace': 'ns',
      'io.kubernetes.cri.sandbox-uid': 'uid1', 'io.kubernetes.cri.sandbox-name': 'pod', 'io.kubernetes.cri.container-name': 'ctr', 'io.kubernetes.cri.image-name': 'busybox',
    });
    assert.equal(s.process.rlimits, undefined, 'containerd drops the default rlimits');
    assert.equal(s.linux.seccomp, undefined, 'unconfined unless asked');
    assert.ok(spec({ linux: { security_context: { seccomp: { profile_type: 'RuntimeDefault' } } } }).linux.seccomp.syscalls.length > 0);
  });

  it('config errors name the field', () => {
    assert.throws(() => toContainerConfig({ image: { image: 'x' } }), /metadata\.name is missing/);
    assert.throws(() => toContainerConfig({ metadata: { name: 'n' } }), /image\.image is missing/);
    assert.throws(() => toContainerConfig({ metadata: { name: 'n' }, image: { image: 'x' }, envs: 'A=1' }), /envs must be a list/);
    assert.throws(() => toContainerConfig({ metadata: { name: 'n' }, image: { image: 'x' }, mounts: [{ container_path: '/a' }] }), /mounts\[0\]/);
  });
});
