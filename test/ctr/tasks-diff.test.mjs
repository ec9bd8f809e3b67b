// Differential tests of tasks against Debian's containerd + ctr (1.6): the same image (an OCI
// archive made from busybox-static by scripts/demo-image.mjs) imported into berth and into a
// private containerd; then the same ctr command lines on both. Compared: the column layout of
// `c ls`, `t ls`, `t ps`; the exit codes of `t delete` (running, stopped, gone), `c rm` of a
// container with a task, and `run --rm`; and the container's view of itself from
// `ctr run --rm IMG id sh -c '…'`: capability sets, mounts (normalised), env, id, hostname,
// ulimits and cgroup membership.
//
// The two sides use different container ids of one length: the cgroup path (/<namespace>/<id>) is
// the same for both tools, so one id on both would put both inits in one cgroup.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { registerCleanup, runBin, tempDir, trackCgroup, trackContainer, uniqueId } from '../lib/index.mjs';
import { skipWithoutContainerd, startContainerd } from '../lib/containerd.mjs';
import { DEMO_IMAGE, writeBusyboxArchive } from '../../scripts/demo-image.mjs';

const skip = skipWithoutContainerd || (process.getuid() !== 0 ? 'needs root' : false);

/** Lines of a table with each id replaced by ID and pids by PID: what must match is the layout. */
function layout(text, ids, pids = []) {
  let t = text;
  for (const id of ids) t = t.replaceAll(id, 'ID');
  for (const p of pids) t = t.replace(new RegExp(`\\b${p}\\b`, 'g'), 'PID');
  return t.split('\n');
}

/** Tab-padded tables: the same columns and headers; padding widths follow the ids' lengths. */
const cells = (lines) => lines.map((l) => l.trim().split(/\s+/));

/** containerd's id for a berth id: as long (same column widths), different (own cgroup). */
const sibling = (id) => `x${id.slice(1)}`;

const READONLY_PROC = new Set(['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys']);

/**
 * mountinfo as "mountpoint fstype source per-mount-options super-options", without ids, device
 * numbers and the host paths of the snapshot. Differences normalised away (each written down):
 * - super options `uuid=…` of the root overlay: berth's overlay mount of the snapshot shows
 *   uuid=on, containerd's none (the snapshotter's mount call; the container sees the same tree);
 * - nosuid,nodev,noexec on the read-only /proc sub-mounts: runc keeps the flags of the bind it
 *   remounts read-only, berth's runtime does not yet (reported; harmless under a read-only
 *   procfs, but should match).
 */
function mounts(text) {
  return text.trim().split('\n').map((line) => {
    const [pre, post] = line.split(' - ');
    const f = pre.split(' ');
    const [fstype, source, superOpts] = post.split(' ');
    const mp = f[4];
    let opts = f[5].split(',');
    if (READONLY_PROC.has(mp)) opts = opts.filter((o) => !['nosuid', 'nodev', 'noexec'].includes(o));
    const sup = superOpts.split(',').filter((o) => !/^(lowerdir|upperdir|workdir|uuid)=/.test(o));
    return `${mp} ${fstype} ${source} ${opts.join(',')} ${sup.join(',')}`;
  }).sort();
}

// Both sides in a namespace of this file's own, so each task's cgroup is /<NS>/<id>.
const NS = 'berthdiff';

describe('ctr tasks against containerd', { skip }, () => {
  registerCleanup();
  // The namespace's own cgroup (/<NS>, the tasks' parent) is left by both runtimes: ours to remove.
  trackCgroup(NS);
  let cd;
  let berth;
  const refCtr = (args, opts = {}) => cd.ctr(args, { namespace: NS, ...opts });

  before(async () => {
    cd = await startContainerd();
    const root = tempDir('ctr-root');
    const state = tempDir('ctr-state');
    const ctr = (args, opts = {}) => runBin('ctr', ['--root', root, '--state', state, '-n', NS, ...args], { timeout: 60_000, ...opts });
    berth = {
      ctr,
      newId: () => {
        const id = uniqueId();
        trackContainer({ tool: 'ctr', root, id, deleteArgs: ['--state', state, '-n', NS, 'containers', 'rm', id] });
        trackContainer({ tool: 'ctr', root, id, deleteArgs: ['--state', state, '-n', NS, 'tasks', 'rm', '-f', id] });
        return id;
      },
    };
    const archive = join(tempDir('image'), 'busybox-oci.tar');
    writeBusyboxArchive(archive);
    for (const r of [await ctr(['images', 'import', archive]), await refCtr(['images', 'import', archive])]) assert.equal(r.code, 0, r.stderr);
  });
  after(async () => { await cd?.stop(); });

  /** The same command on both; returns [berth's result, containerd's]. */
  const both = async (fn) => [await fn(berth.ctr, 'b'), await fn(refCtr, 'c')];

  it('lists containers, tasks and processes in the same columns, and deletes with the same exit codes', { timeout: 180_000 }, async () => {
    const bid = berth.newId();
    const ids = { b: bid, c: sibling(bid) };
    const run = await both((ctr, k) => ctr(['run', '-d', '--null-io', DEMO_IMAGE, ids[k], 'sleep', '1000']));
    for (const r of run) assert.equal(r.code, 0, r.stderr);

    const cls = await both((ctr) => ctr(['c', 'ls']));
    const [bc, cc] = cls.map((r, i) => cells(layout(r.stdout, [Object.values(ids)[i]])));
    assert.deepEqual(bc, cc, 'c ls');
    assert.deepEqual(bc[0], ['CONTAINER', 'IMAGE', 'RUNTIME']);
    // Ids of one length: the tabwriter padding must then be the same, byte for byte.
    assert.deepEqual(layout(cls[0].stdout, [ids.b]), layout(cls[1].stdout, [ids.c]), 'c ls text');

    const tls = await both((ctr) => ctr(['t', 'ls']));
    const pids = tls.map((r, i) => r.stdout.split('\n').find((l) => l.startsWith(`${Object.values(ids)[i]} `)).trim().split(/\s+/)[1]);
    const [bt, ct] = tls.map((r, i) => cells(layout(r.stdout, [Object.values(ids)[i]], [pids[i]])));
    assert.deepEqual(bt, ct, 't ls');
    assert.deepEqual(bt, [['TASK', 'PID', 'STATUS'], ['ID', 'PID', 'RUNNING'], ['']]);

    const tps = await both((ctr, k) => ctr(['t', 'ps', ids[k]]));
    const [bp, cp] = tps.map((r, i) => cells(layout(r.stdout, [], [pids[i]])));
    assert.deepEqual(bp, cp, 't ps');
    assert.deepEqual(bp, [['PID', 'INFO'], ['PID', '-'], ['']]);
    if (pids[0].length === pids[1].length) {
      assert.deepEqual(layout(tls[0].stdout, [ids.b], [pids[0]]), layout(tls[1].stdout, [ids.c], [pids[1]]), 't ls text');
      assert.deepEqual(layout(tps[0].stdout, [], [pids[0]]), layout(tps[1].stdout, [], [pids[1]]), 't ps text');
    }

    // Deleting a running task, removing a container that has one: refused by both, exit 1.
    const rmRunning = await both((ctr, k) => ctr(['t', 'rm', ids[k]]));
    assert.deepEqual(rmRunning.map((r) => r.code), [1, 1], rmRunning.map((r) => r.stderr).join('\n'));
    const crmRunning = await both((ctr, k) => ctr(['c', 'rm', ids[k]]));
    assert.deepEqual(crmRunning.map((r) => r.code), [1, 1]);

    const kill = await both((ctr, k) => ctr(['t', 'kill', '-s', 'SIGKILL', ids[k]]));
    assert.deepEqual(kill.map((r) => r.code), [0, 0]);
    const stopped = async (ctr, k) => {
      for (let i = 0; i < 100; i += 1) {
        const r = await ctr(['t', 'ls']);
        if (new RegExp(`^${ids[k]} +\\d+ +STOPPED`, 'm').test(r.stdout)) return r;
        await new Promise((res) => setTimeout(res, 100));
      }
      return null;
    };
    const st = await both(stopped);
    assert.ok(st[0] && st[1], 'both tasks STOPPED');
    // A stopped task's delete: exit 0 and the same warning about the non-zero exit status.
    const rm = await both((ctr, k) => ctr(['t', 'rm', ids[k]]));
    assert.deepEqual(rm.map((r) => r.code), [0, 0]);
    const warning = (r, id) => r.stderr.replace(/time="[^"]*"/, 'time=T').replace(id, 'ID').trim();
    assert.equal(warning(rm[0], ids.b), warning(rm[1], ids.c));
    assert.match(rm[0].stderr, /level=warning msg="task \S+ exit with non-zero exit code 137"/);
    // A task that is gone: exit 1 for both (the messages differ: containerd's come from its API).
    const again = await both((ctr, k) => ctr(['t', 'rm', ids[k]]));
    assert.deepEqual(again.map((r) => r.code), [1, 1]);
    const crm = await both((ctr, k) => ctr(['c', 'rm', ids[k]]));
    assert.deepEqual(crm.map((r) => r.code), [0, 0]);
    const empty = await both((ctr) => ctr(['c', 'ls', '-q']));
    assert.deepEqual(empty.map((r) => r.stdout.includes(ids.b) || r.stdout.includes(ids.c)), [false, false]);
  });

  it('run --rm exits with the container\'s status', { timeout: 120_000 }, async () => {
    for (const status of [0, 3, 130]) {
      const bid = berth.newId();
      const r = await both((ctr, k) => ctr(['run', '--rm', DEMO_IMAGE, k === 'b' ? bid : sibling(bid), 'sh', '-c', `exit ${status}`]));
      assert.deepEqual(r.map((x) => x.code), [status, status], r.map((x) => x.stderr).join('\n'));
    }
    // A command that is not in the image: both fail (containerd's runc: exec failed, exit 1 from ctr).
    const bid = berth.newId();
    const missing = await both((ctr, k) => ctr(['run', '--rm', DEMO_IMAGE, k === 'b' ? bid : sibling(bid), '/no/such/cmd']));
    assert.ok(missing.every((x) => x.code !== 0), missing.map((x) => `${x.code} ${x.stderr}`).join('\n'));
  });

  it('gives the container the same view of itself', { timeout: 120_000 }, async () => {
    const script = [
      "grep -E '^(Cap|SigIgn|SigBlk)' /proc/self/status", 'echo @@', 'cat /proc/self/mountinfo', 'echo @@', 'env | sort', 'echo @@',
      'id', 'echo @@', 'hostname', 'echo @@', 'ulimit -a', 'echo @@', 'cat /proc/self/cgroup',
    ].join('; ');
    const bid = berth.newId();
    const ids = { b: bid, c: sibling(bid) };
    const out = await both((ctr, k) => ctr(['run', '--rm', DEMO_IMAGE, ids[k], 'sh', '-c', script]));
    for (const r of out) assert.equal(r.code, 0, r.stderr);
    const parts = out.map((r) => r.stdout.split('@@\n'));
    const [caps, mountinfo, env, id, hostname, ulimits, cgroup] = [0, 1, 2, 3, 4, 5, 6];
    assert.equal(parts[0].length, 7);
    assert.equal(parts[0][caps], parts[1][caps], 'capability sets, ignored and blocked signals');
    assert.match(parts[0][caps], /^SigIgn:\s+0{16}$/m, 'no signal ignored (Node ignores SIGPIPE and SIGXFSZ for itself)');
    assert.match(parts[0][caps], /^CapBnd:\s+00000000a80425fb$/m, 'containerd\'s default capability set');
    assert.deepEqual(mounts(parts[0][mountinfo]), mounts(parts[1][mountinfo]), 'mounts');
    assert.equal(parts[0][env], parts[1][env], 'env');
    assert.equal(parts[0][id], parts[1][id], 'id');
    assert.equal(parts[0][hostname], parts[1][hostname], 'hostname');
    assert.equal(parts[0][ulimits], parts[1][ulimits], 'ulimits');
    assert.match(parts[0][ulimits], /open files\s+\(-n\) 1024/);
    // Same hierarchies, each at /<namespace>/<id>.
    const shape = (text, cid) => text.trim().split('\n').map((l) => l.replace(`/${NS}/${cid}`, '/NS/ID')).sort();
    assert.deepEqual(shape(parts[0][cgroup], ids.b), shape(parts[1][cgroup], ids.c), 'cgroup membership');
    for (const l of shape(parts[0][cgroup], ids.b)) assert.match(l, /:\/NS\/ID$/);
  });
});
