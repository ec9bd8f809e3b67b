// ctr plugins ls: the columns and berth's components, and the overlayfs status agrees with an
// overlay mount this test makes itself on the root's filesystem.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { registerCleanup, runBin, tempDir, trackMount } from '../lib/index.mjs';

/** Our own probe: overlay in the kernel and a two-lower overlay mount under the root. */
function overlayWorks(dir) {
  if (!readFileSync('/proc/filesystems', 'utf8').split('\n').some((l) => l.split('\t')[1] === 'overlay')) return false;
  for (const d of ['l1', 'l2', 'u', 'w', 'm']) mkdirSync(join(dir, d), { recursive: true });
  trackMount(join(dir, 'm'));
  try {
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${dir}/l2:${dir}/l1,upperdir=${dir}/u,workdir=${dir}/w`, join(dir, 'm')], { stdio: 'ignore' });
  } catch {
    return false;
  }
  execFileSync('umount', [join(dir, 'm')]);
  return true;
}

describe('ctr plugins ls', () => {
  registerCleanup();
  const root = tempDir('plugins-root');
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args], { timeout: 60_000 });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('lists the components with each snapshotter probed here', async () => {
    const r = await ctr('plugins', 'ls');
    assert.equal(r.code, 0, r.stderr);
    const [head, ...rows] = r.stdout.trim().split('\n');
    assert.match(head, /^TYPE {4,}ID {4,}PLATFORMS {4,}STATUS +$/);
    const table = Object.fromEntries(rows.map((l) => l.trim().split(/ +/)).map(([t, id, p, s]) => [`${t} ${id}`, { p, s }]));
    assert.equal(table['io.containerd.content.v1 content'].s, 'ok');
    assert.equal(table['io.containerd.snapshotter.v1 native'].s, 'ok');
    assert.equal(table['io.containerd.metadata.v1 sqlite'].s, 'ok');
    assert.equal(table['io.containerd.runtime.v2 task'].s, 'ok');
    assert.equal(table['io.containerd.snapshotter.v1 devmapper'].s, 'error');
    assert.equal(table['io.containerd.snapshotter.v1 aufs'].s, 'skip');
    const fsType = execFileSync('stat', ['-f', '-c', '%T', root], { encoding: 'utf8' }).trim();
    if (fsType !== 'btrfs') assert.equal(table['io.containerd.snapshotter.v1 btrfs'].s, 'skip');
    const overlay = overlayWorks(tempDir('plugins-probe'));
    assert.equal(table['io.containerd.snapshotter.v1 overlayfs'].s, overlay ? 'ok' : 'skip');
    assert.match(table['io.containerd.snapshotter.v1 overlayfs'].p, /^linux\//);
    assert.equal((await ctr('plugin', 'ls', '-q')).stdout.split('\n').filter(Boolean).length, rows.length);
  });

  it('--detailed prints each plugin and why a snapshotter is skipped', async () => {
    const r = await ctr('plugins', 'ls', '-d');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Type: +io\.containerd\.snapshotter\.v1\nID: +btrfs\nPlatforms: +linux\/\S+\nError: *\n +Code: +Unknown\n +Message: +path \S+io\.containerd\.snapshotter\.v1\.btrfs \(\w+\) must be a btrfs filesystem to be used with the btrfs snapshotter: skip plugin$/m);
    assert.match(r.stdout, /Message: +devmapper not configured$/m);
    assert.match(r.stdout, new RegExp(`^ID: +overlayfs\\nPlatforms: +\\S+\\nExports: *\\n +root +${root}/io\\.containerd\\.snapshotter\\.v1\\.overlayfs$`, 'm'));
  });
});
