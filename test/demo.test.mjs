// `npm start`'s guided demo (scripts/demo.mjs, without the npm set-up) run as a newcomer would,
// non-interactively: it exits 0, prints the command of every step, and leaves nothing behind —
// no container, process, mount, cgroup, network namespace, bridge or temp dir. Its image
// builder (scripts/demo-image.mjs) is deterministic.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  REPO_ROOT, assertNoLeaks, registerCleanup, runBin, tempDir,
} from './lib/index.mjs';
import { cgroupMounts, listPids, readCmdline, walkDirs } from './lib/procfs.mjs';
import { busyboxImage, writeBusyboxArchive } from '../scripts/demo-image.mjs';

const skip = process.getuid() !== 0 ? 'needs root'
  : !existsSync('/bin/busybox') ? 'busybox-static not installed'
    : !existsSync('/usr/lib/cni/bridge') ? 'containernetworking-plugins not installed' : false;

/** A command is built when its help is not the placeholder's ("not yet built"). */
function implemented(tool, cmd) {
  const r = spawnSync(join(REPO_ROOT, 'bin', tool), [...cmd, '--help'], { encoding: 'utf8' });
  return r.status === 0 && !/not yet built/.test(r.stdout + r.stderr);
}

const links = () => spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)
  .map((l) => l.split(':')[1].trim().split('@')[0]);
const netnsFiles = () => (existsSync('/run/netns') ? readdirSync('/run/netns') : []);

/** Every layer member's name and type flag, from an uncompressed tar. */
function tarMembers(tar) {
  const out = new Map();
  for (let off = 0; off + 512 <= tar.length;) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
    out.set(name, { type: String.fromCharCode(h[156]), link: h.subarray(157, 257).toString('utf8').replace(/\0.*$/s, ''), mtime: parseInt(h.subarray(136, 148).toString('latin1'), 8) });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

describe('the demo image', { skip }, () => {
  registerCleanup();

  it('is the same archive on every run: one layer of busybox, its applets, passwd and group', () => {
    const dir = tempDir('demo-image');
    const a = writeBusyboxArchive(join(dir, 'a.tar'));
    const b = writeBusyboxArchive(join(dir, 'b.tar'));
    assert.match(a, /^sha256:[0-9a-f]{64}$/);
    assert.equal(a, b);
    assert.ok(readFileSync(join(dir, 'a.tar')).equals(readFileSync(join(dir, 'b.tar'))), 'two archives differ');

    const img = busyboxImage();
    const index = JSON.parse(img.index);
    assert.equal(index.manifests[0].annotations['io.containerd.image.name'], 'docker.io/library/busybox:latest');
    const config = JSON.parse(img.config);
    assert.deepEqual(config.config.Cmd, ['sh']);
    assert.ok(config.config.Env.some((e) => e.startsWith('PATH=')));
    assert.equal(config.os, 'linux');
    assert.ok(['amd64', 'arm64', '386', 'arm', 'ppc64le', 's390x', 'riscv64'].includes(config.architecture), config.architecture);
    const members = tarMembers(gunzipSync(img.layer));
    const names = [...members.keys()];
    assert.deepEqual(names, [...names].sort(), 'members are not sorted');
    assert.equal(members.get('bin/busybox')?.type, '0');
    for (const f of ['etc/passwd', 'etc/group']) assert.equal(members.get(f)?.type, '0', f);
    for (const d of ['root/', 'tmp/']) assert.equal(members.get(d)?.type, '5', d);
    const applets = spawnSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter((x) => x && x !== 'busybox');
    for (const applet of applets) assert.deepEqual([members.get(`bin/${applet}`)?.type, members.get(`bin/${applet}`)?.link], ['2', 'busybox'], applet);
    assert.ok([...members.values()].every((m) => m.mtime === members.get('bin/busybox').mtime), 'mtimes differ');
  });
});

describe('npm start: scripts/demo.mjs', { skip }, () => {
  registerCleanup();

  it('runs every step, printing its command, and leaves nothing behind', async () => {
    const tmp = tempDir('demo-tmp');
    const bridgeBefore = links().includes('berthdemo0');
    const netnsBefore = netnsFiles();
    const r = await runBin(process.execPath, [join(REPO_ROOT, 'scripts', 'demo.mjs'), '--no-pause'], {
      env: { TMPDIR: tmp, BERTH_ROOT: null, BERTH_STATE: null }, timeout: 600_000, stdio: 'files', cwd: tmp,
    });
    const out = r.stdout;
    assert.equal(r.code, 0, `demo exited ${r.code}:\n${out}\n${r.stderr}`);

    // Where it worked: a fresh dir under TMPDIR, said at the top, now gone.
    const work = /^files: (\S+)/m.exec(out)?.[1];
    assert.ok(work?.startsWith(`${tmp}/berth-demo-`), `work dir: ${work}`);
    assert.match(out, new RegExp(`^root: +${work}/root`, 'm'));
    assert.match(out, new RegExp(`^state: +${work}/state`, 'm'));
    assert.deepEqual(readdirSync(tmp), [], 'the demo left files in TMPDIR');

    const expect = [
      '$ node scripts/demo-image.mjs busybox-oci.tar',
      '$ ctr images import busybox-oci.tar',
      '$ ctr images ls',
      '$ ctr -n k8s.io images import busybox-oci.tar',
      '$ crictl images',
      '$ cat pod.yaml',
      '$ crictl runp pod.yaml',
      '$ crictl pods',
      '$ ctr -n k8s.io containers ls',
      `$ runc --root ${work}/state/runc/k8s.io list`,
      '$ crictl stopp ',
      '$ crictl rmp ',
      '$ ctr images rm docker.io/library/busybox:latest',
    ];
    if (implemented('ctr', ['run'])) {
      expect.push(
        '$ ctr run --rm docker.io/library/busybox:latest demo-hello sh -c',
        '$ ctr run -d docker.io/library/busybox:latest demo-web httpd -f -p 8080',
        '$ ctr tasks ls',
        `$ runc --root ${work}/state/runc/default list`,
        '$ ctr tasks kill --signal SIGKILL demo-web',
        '$ ctr tasks delete demo-web',
        '$ ctr containers rm demo-web',
      );
      assert.match(out, /hello from busybox, I am pid 1 /);
      // ctr's task and the runtime's container are one: the same pid in both listings.
      const taskPid = /^demo-web\s+(\d+)\s+RUNNING/m.exec(out)?.[1];
      assert.ok(taskPid, 'ctr tasks ls showed no running demo-web');
      assert.match(out, new RegExp(`^demo-web\\s+${taskPid}\\s+running\\s`, 'm'));
    } else {
      assert.match(out, /ctr run and ctr tasks: not yet available in this build/);
    }
    if (implemented('crictl', ['create'])) {
      expect.push('$ cat web.yaml', '$ cat client.yaml', '$ crictl create ', '$ crictl start ', '$ crictl ps', '$ crictl logs ', '$ crictl exec ', '$ crictl rm ');
      // The client reached the server over the pod's localhost, and exec ran in the pod.
      assert.match(out, /^\$ crictl logs [0-9a-f]{64}\nhello from the web container of pod demo-pod$/m);
      assert.match(out, /^hostname: demo-pod$/m);
    } else {
      assert.match(out, /crictl create\/start\/logs\/exec \(containers in a pod\): not yet available in this build/);
    }
    for (const line of expect) assert.ok(out.includes(`\n${line}`), `no step printed ${JSON.stringify(line)}:\n${out}`);
    assert.match(out, /^Nothing is left\.$/m);
    assert.doesNotMatch(out + r.stderr, /demo failed/);

    // Nothing of it on the host: mounts and container processes under TMPDIR (the test's temp
    // root), shims or relays naming its state, cgroups of its containers, netns files, the bridge.
    assertNoLeaks(undefined, { settleMs: 5000 });
    const ids = new Set([...out.matchAll(/\b[0-9a-f]{64}\b/g)].map((m) => m[0]).filter((id) => !out.includes(`sha256:${id}`)));
    ids.add('demo-web').add('demo-hello');
    const cgroups = [];
    for (const mnt of cgroupMounts()) {
      for (const d of walkDirs(mnt)) if (ids.has(d.split('/').pop())) cgroups.push(d);
    }
    assert.deepEqual(cgroups, [], 'cgroups of the demo\'s containers are left');
    const procs = listPids().filter((pid) => (readCmdline(pid) ?? '').includes(work));
    assert.deepEqual(procs, [], 'processes naming the demo\'s dir are left');
    assert.deepEqual(netnsFiles(), netnsBefore);
    if (!bridgeBefore) assert.ok(!links().includes('berthdemo0'), 'the demo\'s bridge is left');
  });
});
