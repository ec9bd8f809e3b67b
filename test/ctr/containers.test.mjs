// ctr containers create/ls/info/label/rm end to end: an image pushed to a local registry
// (Debian's docker-registry, skopeo) and pulled by berth, containers made from it with their
// spec generated from the image config, and the same containers made by Debian's containerd
// from the same image: the specs agree.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { skipWithoutContainerd, startContainerd } from '../lib/containerd.mjs';
import { makeLayout, skipWithoutRegistry, skopeoPush, startRegistry } from './registry-lib.mjs';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nfoo:x:1000:1000::/home/foo:/bin/sh\n';
const GROUP = 'root:x:0:\nfoo:x:1000:\nextra:x:2000:foo\nmore:x:3000:root,foo\n';

/** Two images: "user" (User foo, Env, WorkingDir, Cmd, ports) and "plain" (Entrypoint + Cmd, nothing else). */
async function setupImages(work) {
  const registry = await startRegistry(work);
  // One file per layer: the layer tars name each top directory once.
  const layers = [{ 'bin/busybox': '/bin/busybox' }, { 'etc/passwd': Buffer.from(PASSWD) }, { 'etc/group': Buffer.from(GROUP) }];
  makeLayout(join(work, 'u'), join(work, 'oci-user'), layers, {
    config: { User: 'foo', Env: ['PATH=/usr/bin:/bin', 'FOO=bar'], WorkingDir: '/tmp', Cmd: ['/bin/busybox', 'sh'], ExposedPorts: { '80/tcp': {} }, StopSignal: 'SIGQUIT', Labels: { 'org.example.k': 'v' } },
  });
  skopeoPush(join(work, 'oci-user'), '1', `${registry.host}/test/user:1`);
  makeLayout(join(work, 'p'), join(work, 'oci-plain'), layers, { config: { Entrypoint: ['/bin/busybox'], Cmd: ['echo', 'hello'] } });
  skopeoPush(join(work, 'oci-plain'), '1', `${registry.host}/test/plain:1`);
  return { registry, user: `${registry.host}/test/user:1`, plain: `${registry.host}/test/plain:1` };
}

const oneLineError = (r, re) => {
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /^ctr: [^\n]+\n$/, r.stderr);
  if (re) assert.match(r.stderr, re);
};

describe('ctr containers', { skip: skipWithoutRegistry }, () => {
  registerCleanup();
  const work = tempDir('containers-work');
  const root = tempDir('ctr-root');
  const state = tempDir('ctr-state');
  const ctr = (...args) => runBin('ctr', ['--root', root, '--state', state, ...args], { timeout: 120_000 });
  let images;
  const snapshots = async () => (await ctr('snapshots', 'ls')).stdout;

  before(async () => {
    images = await setupImages(work);
    for (const ref of [images.user, images.plain]) {
      const r = await ctr('images', 'pull', '--plain-http', ref);
      assert.equal(r.code, 0, r.stderr);
    }
  });

  after(async () => {
    await images?.registry.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('creates a container from the image: spec from the image config, an active snapshot named by the id', async () => {
    const r = await ctr('c', 'create', '--label', 'x=y', images.user, 'c1');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const info = JSON.parse((await ctr('c', 'info', 'c1')).stdout);
    assert.equal(info.ID, 'c1');
    assert.equal(info.Image, images.user);
    assert.deepEqual(info.Runtime, { Name: 'io.containerd.runc.v2', Options: { type_url: 'containerd.runc.v1.Options' } });
    assert.equal(info.SnapshotKey, 'c1');
    assert.equal(info.Snapshotter, 'overlayfs');
    assert.equal(info.Extensions, null);
    assert.match(info.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.deepEqual(info.Labels, { 'org.example.k': 'v', x: 'y', 'io.containerd.image.config.stop-signal': 'SIGQUIT' });
    const p = info.Spec.process;
    assert.deepEqual(p.args, ['/bin/busybox', 'sh']);
    assert.deepEqual(p.env, ['PATH=/usr/bin:/bin', 'FOO=bar']);
    assert.equal(p.cwd, '/tmp');
    // foo is uid 1000, gid 1000, and a member of extra (2000) and more (3000).
    assert.deepEqual(p.user, { uid: 1000, gid: 1000, additionalGids: [1000, 2000, 3000] });
    assert.equal(info.Spec.linux.cgroupsPath, '/default/c1');
    assert.equal(info.Spec.root.path, 'rootfs');
    const spec = await ctr('c', 'info', '--spec', 'c1');
    assert.equal(spec.code, 0, spec.stderr);
    assert.deepEqual(JSON.parse(spec.stdout), info.Spec);
    assert.match(spec.stdout, /^\{\n {4}"ociVersion": "1\.0\.2-dev",\n/);
    assert.match(await snapshots(), /^c1 +sha256:[0-9a-f]{64} +Active/m);
  });

  it('takes the command line after the id, its flags included, and the container flags before', async () => {
    const envFile = join(work, 'env');
    writeFileSync(envFile, '# comment\nFROM_FILE=1\n\nFOO=file\n');
    const r = await ctr('containers', 'create', '--env', 'A=1', '--env-file', envFile, '--tty', '-u', 'root', '--cwd', '/root',
      '--memory-limit', '33554432', '--cpus', '0.5', '--hostname', 'box', '--mount', 'type=bind,src=/tmp,dst=/host,options=rbind:ro',
      images.plain, 'c2', 'sh', '-c', 'echo hi', '--env', 'B=2');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse((await ctr('c', 'info', '--spec', 'c2')).stdout);
    assert.deepEqual(s.process.args, ['sh', '-c', 'echo hi', '--env', 'B=2']);
    assert.deepEqual(s.process.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'FROM_FILE=1', 'FOO=file', 'A=1', 'TERM=xterm']);
    assert.equal(s.process.terminal, true);
    assert.equal(s.process.cwd, '/root');
    assert.deepEqual(s.process.user, { uid: 0, gid: 0, additionalGids: [0, 3000] });
    assert.equal(s.hostname, 'box');
    assert.deepEqual(s.linux.resources.memory, { limit: 33554432 });
    assert.deepEqual(s.linux.resources.cpu, { quota: 50000, period: 100000 });
    assert.deepEqual(s.mounts.at(-1), { destination: '/host', type: 'bind', source: '/tmp', options: ['rbind', 'ro'] });
  });

  it('lists as a table, quietly, and through filters', async () => {
    const ls = await ctr('c', 'ls');
    assert.equal(ls.code, 0, ls.stderr);
    const w = Math.max('CONTAINER'.length, 2) + 4;
    const iw = images.plain.length + 4;
    assert.equal(ls.stdout, [
      `${'CONTAINER'.padEnd(w)}${'IMAGE'.padEnd(iw)}${'RUNTIME'.padEnd(25)}`,
      `${'c1'.padEnd(w)}${images.user.padEnd(iw)}${'io.containerd.runc.v2'.padEnd(25)}`,
      `${'c2'.padEnd(w)}${images.plain.padEnd(iw)}${'io.containerd.runc.v2'.padEnd(25)}`, ''].join('\n'));
    assert.equal((await ctr('containers', 'list', '-q')).stdout, 'c1\nc2\n');
    assert.equal((await ctr('c', 'ls', '-q', `image==${images.plain}`)).stdout, 'c2\n');
    assert.equal((await ctr('c', 'ls', '-q', 'labels.x==y')).stdout, 'c1\n');
    assert.equal((await ctr('c', 'ls', '-q', 'labels.x==z')).stdout, '');
    assert.equal((await ctr('c', 'ls', '-q', 'labels.x==z', 'id==c2')).stdout, 'c2\n');
    assert.equal((await ctr('c', 'ls', '-q', 'id~=^c[0-9]$,labels."io.containerd.image.config.stop-signal"==SIGTERM')).stdout, 'c2\n');
    assert.equal((await ctr('-n', 'other', 'c', 'ls', '-q')).stdout, '');
  });

  it('sets and clears labels', async () => {
    const r = await ctr('c', 'label', 'c1', 'a=b', 'x=');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'a=b,io.containerd.image.config.stop-signal=SIGQUIT,org.example.k=v\n');
    assert.deepEqual(JSON.parse((await ctr('c', 'info', 'c1')).stdout).Labels, { a: 'b', 'io.containerd.image.config.stop-signal': 'SIGQUIT', 'org.example.k': 'v' });
    oneLineError(await ctr('c', 'label', 'nope', 'a=b'), /container "nope" in namespace "default": not found/);
  });

  it('refuses a duplicate id, an unknown image, an image not unpacked for the snapshotter, and bad flags, in one line each', async () => {
    const before = await snapshots();
    oneLineError(await ctr('c', 'create', images.plain, 'c1'), /container "c1" in namespace "default": already exists/);
    oneLineError(await ctr('c', 'create', 'nope:1', 'c3'), /^ctr: image "nope:1": not found\n$/);
    oneLineError(await ctr('c', 'create', '--snapshotter', 'native', images.plain, 'c3'), /not unpacked for snapshotter native/);
    oneLineError(await ctr('c', 'create', '--cap-add', 'SYS_ADMIN', images.plain, 'c3'), /'CAP_' prefix/);
    oneLineError(await ctr('c', 'create', '--mount', 'type=bind,src=/tmp', images.plain, 'c3'), /mount "type=bind,src=\/tmp": a destination/);
    oneLineError(await ctr('c', 'create', '--with-ns', 'bogus:/x', images.plain, 'c3'), /namespace type bogus/);
    oneLineError(await ctr('c', 'create', '-u', 'nobody', images.plain, 'c3'), /user "nobody": not found/);
    oneLineError(await ctr('c', 'create', images.plain), /container id must be provided/);
    oneLineError(await ctr('c', 'info', 'nope'), /container "nope" in namespace "default": not found/);
    // Nothing was left behind by the failures: no record, no snapshot.
    assert.equal(await snapshots(), before);
    assert.equal((await ctr('c', 'ls', '-q')).stdout, 'c1\nc2\n');
  });

  it('uses a rootfs directory with --rootfs: no snapshot, no image', async () => {
    const dir = tempDir('rootfs');
    mkdirSync(join(dir, 'etc'));
    writeFileSync(join(dir, 'etc', 'passwd'), PASSWD);
    const r = await ctr('c', 'create', '--rootfs', '-u', 'foo', dir, 'r1', '/bin/true');
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse((await ctr('c', 'info', 'r1')).stdout);
    assert.equal(info.Image, '');
    assert.equal(info.SnapshotKey, '');
    assert.equal(info.Spec.root.path, dir);
    assert.deepEqual(info.Spec.process.args, ['/bin/true']);
    assert.deepEqual(info.Spec.process.user, { uid: 1000, gid: 1000, additionalGids: [1000] });
    assert.match((await ctr('c', 'ls')).stdout, /^r1 +- +io\.containerd\.runc\.v2/m);
    assert.equal((await ctr('c', 'rm', 'r1')).code, 0);
  });

  it('removes containers and their snapshots, keeps a snapshot on request, refuses while a task exists', async () => {
    // A task directory without a shim or an exit: a task not known to be stopped (ctr refuses it).
    const taskDir = join(state, 'io.containerd.runtime.v2.task', 'default', 'c1');
    mkdirSync(taskDir, { recursive: true });
    const refused = await ctr('c', 'rm', 'c1');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^time="[^"]+" level=error msg="failed to delete container \\"c1\\"" error="cannot delete a non stopped container: \{unknown 0 0001-01-01 00:00:00 \+0000 UTC\}"\nctr: cannot delete a non stopped container: \{unknown 0 0001-01-01 00:00:00 \+0000 UTC\}\n$/);
    rmSync(taskDir, { recursive: true });
    // Ids that are no identifiers name no container (and no task directory).
    for (const bad of ['', '..']) {
      const r = await ctr('c', 'rm', bad);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`ctr: container "${bad.replace(/\./g, '\\.')}" in namespace "default": not found\n$`));
    }

    const r = await ctr('c', 'rm', 'c1', 'zz');
    assert.equal(r.code, 1);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[0], /level=error msg="failed to delete container \\"zz\\"" error="container \\"zz\\" in namespace \\"default\\": not found"$/);
    assert.equal(lines[1], 'ctr: container "zz" in namespace "default": not found');
    assert.doesNotMatch(await snapshots(), /^c1 /m);

    assert.equal((await ctr('c', 'del', '--keep-snapshot', 'c2')).code, 0);
    assert.match(await snapshots(), /^c2 +sha256:/m);
    assert.equal((await ctr('snapshots', 'rm', 'c2')).code, 0);
    assert.equal((await ctr('c', 'ls', '-q')).stdout, '');
    // Only the image's committed layers are left.
    const snaps = (await snapshots()).split('\n').slice(1).filter(Boolean);
    assert.ok(snaps.every((l) => / Committed *$/.test(l)), snaps.join('\n'));
  });
});

describe('ctr containers against containerd', { skip: skipWithoutRegistry || skipWithoutContainerd }, () => {
  registerCleanup();
  const work = tempDir('containers-diff');
  const root = tempDir('ctr-root');
  const state = tempDir('ctr-state');
  const berth = (...args) => runBin('ctr', ['--root', root, '--state', state, ...args], { timeout: 120_000 });
  let images;
  let containerd;

  before(async () => {
    images = await setupImages(work);
    containerd = await startContainerd();
    for (const ref of [images.user, images.plain]) {
      const a = await berth('images', 'pull', '--plain-http', ref);
      assert.equal(a.code, 0, a.stderr);
      const b = await containerd.ctr(['images', 'pull', '--plain-http', ref], { timeout: 120_000 });
      assert.equal(b.code, 0, b.stderr);
    }
  });

  after(async () => {
    await containerd?.stop();
    await images?.registry.stop();
    rmSync(work, { recursive: true, force: true });
  });

  // Flags Debian's ctr (1.6) knows for `containers create`, and the command line after the id.
  const cases = () => {
    const envFile = join(work, 'env');
    writeFileSync(envFile, 'E1=1\n# c\nFOO=from-file\n');
    return [
      ['user image', [images.user]],
      ['plain image', [images.plain]],
      // Debian's ctr reorders flags found after the id (urfave/cli): `--` ends them for both.
      ['args', [images.plain, '--', 'sh', '-c', 'echo hi']],
      ['privileged', ['--privileged', images.plain]],
      ['net-host', ['--net-host', images.user]],
      ['read-only, tty, cwd', ['--read-only', '--tty', '--cwd', '/root', images.user]],
      ['env, env-file, labels, annotations', ['--env', 'A=1', '--env', 'FOO=flag', '--env-file', envFile, '--label', 'l=1', '--annotation', 'an=1', images.user]],
      ['mount, with-ns, device', ['--mount', 'type=bind,src=/tmp,dst=/host,options=rbind:ro', '--with-ns', 'network:/proc/1/ns/net', '--device', '/dev/fuse', images.plain]],
      ['seccomp', ['--seccomp', images.plain]],
      ['caps and seccomp', ['--cap-add', 'CAP_SYS_ADMIN', '--cap-add', 'CAP_SYS_PTRACE', '--cap-drop', 'CAP_CHOWN', '--seccomp', images.plain]],
      ['limits and privileges', ['--memory-limit', '67108864', '--cpu-quota', '20000', '--cpu-period', '100000', '--allow-new-privs', '--rootfs-propagation', 'rslave', images.plain]],
    ];
  };

  it('generates the same spec as containerd for the same image and flags', async () => {
    let n = 0;
    for (const [what, args] of cases()) {
      const id = `d${n++}`;
      const [ref, ...cmd] = args.slice(args.findIndex((a) => a.includes('/test/')));
      const flags = args.slice(0, args.indexOf(ref));
      const a = await berth('c', 'create', ...flags, ref, id, ...cmd);
      assert.equal(a.code, 0, `${what}: ${a.stderr}`);
      const b = await containerd.ctr(['c', 'create', ...flags, ref, id, ...cmd]);
      assert.equal(b.code, 0, `${what}: ${b.stderr}`);
      const ours = await berth('c', 'info', '--spec', id);
      const theirs = await containerd.ctr(['c', 'info', '--spec', id]);
      assert.equal(theirs.code, 0, theirs.stderr);
      // Same JSON, same key order, same indentation: no berth-specific value to normalise.
      assert.deepEqual(JSON.parse(ours.stdout), JSON.parse(theirs.stdout), what);
      assert.equal(ours.stdout, theirs.stdout, what);
      const oi = JSON.parse((await berth('c', 'info', id)).stdout);
      const ti = JSON.parse((await containerd.ctr(['c', 'info', id])).stdout);
      for (const k of ['ID', 'Labels', 'Image', 'Runtime', 'SnapshotKey', 'Snapshotter', 'Extensions']) assert.deepEqual(oi[k], ti[k], `${what}: ${k}`);
    }
    const ours = await berth('c', 'ls');
    const theirs = await containerd.ctr(['c', 'ls']);
    assert.equal(ours.stdout, theirs.stdout);
    assert.equal((await berth('c', 'ls', '-q', `image==${images.user}`)).stdout, (await containerd.ctr(['c', 'ls', '-q', `image==${images.user}`])).stdout);
  });

  it('fails like containerd for an unknown image and an unknown container', async () => {
    const a = await berth('c', 'create', 'nope:1', 'x1');
    const b = await containerd.ctr(['c', 'create', 'nope:1', 'x1']);
    assert.equal(a.stderr, b.stderr);
    assert.equal(a.code, b.code);
    const c = await berth('c', 'info', 'nope');
    const d = await containerd.ctr(['c', 'info', 'nope']);
    assert.equal(c.stderr, d.stderr);
  });

  it('removes them all', async () => {
    const ids = (await berth('c', 'ls', '-q')).stdout.split('\n').filter(Boolean);
    assert.equal((await berth('c', 'rm', ...ids)).code, 0);
    assert.equal((await berth('c', 'ls', '-q')).stdout, '');
    assert.ok(!existsSync(join(state, 'io.containerd.runtime.v2.task', 'default', 'd0')));
  });
});
