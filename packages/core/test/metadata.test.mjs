// The transactional metadata store (SQLite, WAL): CRUD of every record kind, namespace removal
// rules, many writer processes at once, GC reachability, and a writer killed mid-transaction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const require = createRequire(import.meta.url);
const MD = join(DIST, 'metadata/index.js');
const { openMetadata, metadataPaths, SCHEMA_VERSION } = require(MD);
const { NotFoundError, AlreadyExistsError, StateError, InvalidArgumentError } = require(join(DIST, 'errors.js'));

const D = (c) => `sha256:${c.repeat(64).slice(0, 64)}`;
const desc = (c) => ({ mediaType: 'application/vnd.oci.image.index.v1+json', digest: D(c), size: 100 });

function tempRoot(t) {
  const d = mkdtempSync(join(tmpdir(), 'berth-meta-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function openT(t, root) {
  const s = openMetadata(root);
  t.after(() => s.close());
  return s;
}

/** Runs a node script with the store module path as argv[1]; resolves {code, signal, stdout, stderr}. */
function runNode(script, args, onStdout) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['-e', script, MD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b) => { stdout += b; onStdout?.(stdout, p); });
    p.stderr.on('data', (b) => { stderr += b; });
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, pid: p.pid }));
  });
}

test('open creates the database in WAL mode with the current schema; reopen is a no-op', (t) => {
  const root = tempRoot(t);
  const s = openMetadata(root);
  const { db } = metadataPaths(root);
  assert.equal(db, join(root, 'io.containerd.metadata.v1', 'meta.db'));
  assert.ok(existsSync(db));
  assert.equal(s.read(() => s.stmt('PRAGMA journal_mode').get().journal_mode), 'wal');
  assert.equal(s.read(() => s.stmt('PRAGMA user_version').get().user_version), SCHEMA_VERSION);
  assert.equal(s.stmt('PRAGMA foreign_keys').get().foreign_keys, 1);
  assert.equal(s.stmt('PRAGMA busy_timeout').get().timeout, 10000);
  s.close();
  const s2 = openT(t, root);
  assert.deepEqual(s2.namespaces.list(), []);
});

test('many databases opened and removed in one process: one exit hook for all', (t) => {
  const before = process.listenerCount('exit');
  for (let i = 0; i < 15; i += 1) {
    const root = mkdtempSync(join(tmpdir(), 'berth-meta-'));
    openMetadata(root).namespaces.list();
    rmSync(root, { recursive: true, force: true }); // the next open drops its connection
  }
  assert.ok(process.listenerCount('exit') <= before + 1, `${process.listenerCount('exit') - before} exit listeners added`);
});

test('a database from a newer berth is refused', (t) => {
  const root = tempRoot(t);
  const s = openMetadata(root);
  s.stmt(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`).run();
  s.close();
  assert.throws(() => openMetadata(root), /schema version \d+ is newer/);
});

test('namespaces: create, ensure, labels, list, remove', (t) => {
  const s = openT(t, tempRoot(t));
  const ns = s.namespaces.create('default', { a: '1' });
  assert.equal(ns.name, 'default');
  assert.deepEqual(ns.labels, { a: '1' });
  assert.ok(ns.createdAt instanceof Date);
  assert.throws(() => s.namespaces.create('default'), AlreadyExistsError);
  assert.equal(s.namespaces.ensure('default').labels.a, '1');
  s.namespaces.ensure('k8s.io');
  assert.deepEqual(s.namespaces.list().map((n) => n.name), ['default', 'k8s.io']);
  assert.deepEqual(s.namespaces.setLabels('k8s.io', { x: 'y' }).labels, { x: 'y' });
  assert.throws(() => s.namespaces.setLabels('nope', {}), NotFoundError);
  assert.throws(() => s.namespaces.create('bad name'), InvalidArgumentError);
  assert.throws(() => s.namespaces.create('a'.repeat(77)), InvalidArgumentError);
  assert.throws(() => s.namespaces.create('x', { k: 'v'.repeat(4096) }), InvalidArgumentError);
  s.namespaces.remove('k8s.io');
  assert.throws(() => s.namespaces.get('k8s.io'), NotFoundError);
  assert.throws(() => s.namespaces.remove('k8s.io'), NotFoundError);
});

test('namespaces: remove is refused while something lives in it, naming what', (t) => {
  const s = openT(t, tempRoot(t));
  s.images.create('busy', { name: 'docker.io/library/busybox:latest', target: desc('a') });
  s.containers.create('busy', { id: 'c1', runtime: { name: 'io.containerd.runc.v2' } });
  s.leases.create('busy', { id: 'l1' });
  s.snapshots.create('overlayfs', 'busy', { key: 'k', name: '1', kind: 'active' });
  assert.throws(() => s.namespaces.remove('busy'), (e) => e instanceof StateError
    && /namespace "busy": must be empty, but it still has 1 images, 1 containers, 1 leases, 1 snapshots$/.test(e.message));
  s.images.delete('busy', 'docker.io/library/busybox:latest');
  s.containers.delete('busy', 'c1');
  s.leases.delete('busy', 'l1');
  assert.throws(() => s.namespaces.remove('busy'), /still has 1 snapshots$/);
  s.snapshots.remove('overlayfs', 'busy', 'k');
  s.content.add('busy', { digest: D('b'), size: 3 });
  assert.throws(() => s.namespaces.remove('busy'), /still has 1 content$/);
  s.content.remove('busy', D('b'));
  s.namespaces.remove('busy');
  assert.deepEqual(s.namespaces.list(), []);
});

test('images: create (namespace on first use), get, list filters, update, delete', (t) => {
  const s = openT(t, tempRoot(t));
  const img = s.images.create('default', { name: 'docker.io/library/alpine:3', target: desc('1'), labels: { role: 'base' } });
  assert.deepEqual(img.target, desc('1'));
  assert.ok(s.namespaces.exists('default'));
  assert.throws(() => s.images.create('default', { name: 'docker.io/library/alpine:3', target: desc('2') }), AlreadyExistsError);
  s.images.create('default', { name: 'docker.io/library/busybox:1', target: desc('2') });
  s.images.create('default', { name: 'ghcr.io/x/y:1', target: desc('3'), labels: { role: 'app' } });
  s.images.create('other', { name: 'docker.io/library/alpine:3', target: desc('4') });
  assert.deepEqual(s.images.list('default').map((i) => i.name), ['docker.io/library/alpine:3', 'docker.io/library/busybox:1', 'ghcr.io/x/y:1']);
  assert.deepEqual(s.images.list('default', { namePrefix: 'docker.io/' }).map((i) => i.name), ['docker.io/library/alpine:3', 'docker.io/library/busybox:1']);
  assert.deepEqual(s.images.list('default', { namePrefix: 'docker.io/library/%' }), []);
  assert.deepEqual(s.images.list('default', { labels: { role: 'app' } }).map((i) => i.name), ['ghcr.io/x/y:1']);
  assert.deepEqual(s.images.list('default', { labels: { role: undefined } }).length, 2);
  const u = s.images.update('default', 'docker.io/library/alpine:3', { target: desc('5') });
  assert.equal(u.target.digest, D('5'));
  assert.deepEqual(u.labels, { role: 'base' });
  assert.ok(u.updatedAt >= img.updatedAt);
  assert.deepEqual(s.images.update('default', 'docker.io/library/alpine:3', { labels: {} }).labels, {});
  assert.throws(() => s.images.update('default', 'nope', { labels: {} }), NotFoundError);
  assert.throws(() => s.images.create('default', { name: 'x', target: { ...desc('1'), digest: 'sha256:zz' } }), InvalidArgumentError);
  s.images.delete('default', 'docker.io/library/alpine:3');
  assert.throws(() => s.images.get('default', 'docker.io/library/alpine:3'), /image "docker.io\/library\/alpine:3" in namespace "default": not found/);
  assert.throws(() => s.images.delete('default', 'docker.io/library/alpine:3'), NotFoundError);
  assert.equal(s.images.get('other', 'docker.io/library/alpine:3').target.digest, D('4'));
});

test('containers: create, get, list, update, delete', (t) => {
  const s = openT(t, tempRoot(t));
  const spec = { ociVersion: '1.2.0', process: { args: ['sh'] } };
  const c = s.containers.create('default', {
    id: 'web', image: 'docker.io/library/nginx:1', runtime: { name: 'io.containerd.runc.v2', options: { SystemdCgroup: false } },
    spec, snapshotter: 'overlayfs', snapshotKey: 'web', labels: { app: 'web' }, extensions: { ext: { v: 1 } },
  });
  assert.deepEqual(c.spec, spec);
  assert.deepEqual(c.runtime.options, { SystemdCgroup: false });
  assert.deepEqual(c.extensions, { ext: { v: 1 } });
  assert.throws(() => s.containers.create('default', { id: 'web', runtime: { name: 'r' } }), AlreadyExistsError);
  assert.throws(() => s.containers.create('default', { id: 'a/b', runtime: { name: 'r' } }), InvalidArgumentError);
  s.containers.create('default', { id: 'db', runtime: { name: 'r' } });
  assert.deepEqual(s.containers.list('default').map((x) => x.id), ['db', 'web']);
  assert.deepEqual(s.containers.list('default', { labels: { app: 'web' } }).map((x) => x.id), ['web']);
  assert.deepEqual(s.containers.list('default', { image: 'docker.io/library/nginx:1' }).map((x) => x.id), ['web']);
  const u = s.containers.update('default', 'web', { labels: { app: 'web2' }, spec: { ociVersion: '1.2.1' } });
  assert.deepEqual(u.labels, { app: 'web2' });
  assert.deepEqual(u.spec, { ociVersion: '1.2.1' });
  assert.equal(u.snapshotKey, 'web');
  s.containers.delete('default', 'web');
  assert.throws(() => s.containers.get('default', 'web'), NotFoundError);
});

test('content references: add (idempotent), labels, list, remove, unreferenced digests', (t) => {
  const s = openT(t, tempRoot(t));
  s.content.add('a', { digest: D('1'), size: 10, labels: { 'containerd.io/gc.ref.content.l.0': D('2') } });
  assert.deepEqual(s.content.add('a', { digest: D('1'), size: 10 }).labels, { 'containerd.io/gc.ref.content.l.0': D('2') });
  s.content.add('b', { digest: D('1'), size: 10 });
  s.content.add('a', { digest: D('2'), size: 20 });
  assert.deepEqual(s.content.list('a').map((c) => c.digest), [D('1'), D('2')]);
  assert.deepEqual(s.content.list('a', { 'containerd.io/gc.ref.content.l.0': undefined }).map((c) => c.digest), [D('1')]);
  assert.deepEqual(s.content.setLabels('a', D('2'), { x: 'y' }).labels, { x: 'y' });
  assert.deepEqual(s.content.unreferenced([D('1'), D('2'), D('3'), D('3')]), [D('3')]);
  assert.deepEqual(s.content.remove('a', D('1')), { stillReferenced: true });
  assert.deepEqual(s.content.remove('b', D('1')), { stillReferenced: false });
  assert.deepEqual(s.content.unreferenced([D('1'), D('2')]), [D('1')]);
  assert.throws(() => s.content.remove('b', D('1')), NotFoundError);
  assert.throws(() => s.content.add('a', { digest: 'md5:', size: 1 }), InvalidArgumentError);
});

test('snapshots: parent links, commit, children refuse removal, unreferenced', (t) => {
  const s = openT(t, tempRoot(t));
  s.snapshots.create('overlayfs', 'default', { key: 'extract-1', name: '1', kind: 'active' });
  assert.throws(() => s.snapshots.create('overlayfs', 'default', { key: 'x', name: '9', parent: 'extract-1', kind: 'active' }), /parent "extract-1" is active, not committed/);
  const l1 = s.snapshots.commit('overlayfs', 'default', 'extract-1', 'sha256:layer1');
  assert.equal(l1.kind, 'committed');
  assert.equal(l1.name, '1');
  assert.equal(s.snapshots.find('overlayfs', 'default', 'extract-1'), undefined);
  s.snapshots.create('overlayfs', 'default', { key: 'extract-2', name: '2', parent: 'sha256:layer1', kind: 'active' });
  s.snapshots.commit('overlayfs', 'default', 'extract-2', 'sha256:layer2', { 'containerd.io/snapshot.ref': 'x' });
  s.snapshots.create('overlayfs', 'default', { key: 'ctr-rootfs', name: '3', parent: 'sha256:layer2', kind: 'active' });
  s.snapshots.create('overlayfs', 'default', { key: 'a-view', name: '4', parent: 'sha256:layer2', kind: 'view' });
  assert.throws(() => s.snapshots.create('overlayfs', 'default', { key: 'a-view', name: '5', kind: 'view' }), AlreadyExistsError);
  assert.throws(() => s.snapshots.create('overlayfs', 'default', { key: 'y', name: '5', parent: 'missing', kind: 'view' }), NotFoundError);
  assert.equal(s.snapshots.get('overlayfs', 'default', 'ctr-rootfs').parent, 'sha256:layer2');
  assert.deepEqual(s.snapshots.children('overlayfs', 'default', 'sha256:layer2'), ['a-view', 'ctr-rootfs']);
  assert.throws(() => s.snapshots.remove('overlayfs', 'default', 'sha256:layer2'), (e) => e instanceof StateError && /has 2 child snapshot/.test(e.message));
  assert.throws(() => s.snapshots.commit('overlayfs', 'default', 'a-view', 'z'), StateError);
  // Leaves nothing holds are unreferenced; a container holds ctr-rootfs.
  assert.deepEqual(s.snapshots.unreferenced('overlayfs').map((x) => x.key), ['a-view', 'ctr-rootfs']);
  s.containers.create('default', { id: 'c', runtime: { name: 'r' }, snapshotter: 'overlayfs', snapshotKey: 'ctr-rootfs' });
  assert.deepEqual(s.snapshots.unreferenced('overlayfs').map((x) => x.key), ['a-view']);
  s.content.add('default', { digest: D('c'), size: 1, labels: { 'containerd.io/gc.ref.snapshot.overlayfs/0': 'a-view' } });
  assert.deepEqual(s.snapshots.unreferenced('overlayfs'), []);
  assert.deepEqual(s.snapshots.setLabels('overlayfs', 'default', 'a-view', { k: 'v' }).labels, { k: 'v' });
  assert.deepEqual(s.snapshots.remove('overlayfs', 'default', 'a-view'), { nameInUse: false, name: '4' });
  assert.deepEqual(s.snapshots.list('overlayfs', 'default').map((x) => [x.key, x.kind]),
    [['ctr-rootfs', 'active'], ['sha256:layer1', 'committed'], ['sha256:layer2', 'committed']]);
  assert.deepEqual(s.snapshots.list('native', 'default'), []);
});

test('leases: create, list, resources, delete', (t) => {
  const s = openT(t, tempRoot(t));
  const exp = new Date(Date.now() + 3600_000);
  const l = s.leases.create('default', { id: 'pull-1', labels: { a: 'b' }, expiresAt: exp });
  assert.equal(l.expiresAt.getTime(), exp.getTime());
  assert.throws(() => s.leases.create('default', { id: 'pull-1' }), AlreadyExistsError);
  s.leases.create('default', { id: 'pull-2' });
  assert.equal(s.leases.get('default', 'pull-2').expiresAt, undefined);
  assert.deepEqual(s.leases.list('default').map((x) => x.id), ['pull-1', 'pull-2']);
  assert.deepEqual(s.leases.list('default', { a: 'b' }).map((x) => x.id), ['pull-1']);
  s.leases.addResource('default', 'pull-1', { type: 'content', id: D('1') });
  s.leases.addResource('default', 'pull-1', { type: 'content', id: D('1') });
  s.leases.addResource('default', 'pull-1', { type: 'snapshot', snapshotter: 'overlayfs', id: 'k' });
  s.leases.addResource('default', 'pull-1', { type: 'ingest', id: 'ref-1' });
  assert.throws(() => s.leases.addResource('default', 'pull-1', { type: 'snapshot', id: 'k' }), InvalidArgumentError);
  assert.throws(() => s.leases.addResource('default', 'nope', { type: 'ingest', id: 'r' }), NotFoundError);
  assert.deepEqual(s.leases.resources('default', 'pull-1'), [
    { type: 'content', id: D('1') }, { type: 'ingest', id: 'ref-1' }, { type: 'snapshot', snapshotter: 'overlayfs', id: 'k' }]);
  s.leases.removeResource('default', 'pull-1', { type: 'ingest', id: 'ref-1' });
  assert.throws(() => s.leases.removeResource('default', 'pull-1', { type: 'ingest', id: 'ref-1' }), NotFoundError);
  s.leases.delete('default', 'pull-1');
  assert.equal(s.stmt('SELECT count(*) AS n FROM lease_resources').get().n, 0);
  assert.throws(() => s.leases.delete('default', 'pull-1'), NotFoundError);
});

test('tx: a throw rolls back every write of the transaction, nested ones included', (t) => {
  const s = openT(t, tempRoot(t));
  assert.throws(() => s.tx(() => {
    s.images.create('default', { name: 'a', target: desc('1') });
    s.content.add('default', { digest: D('1'), size: 1 });
    throw new Error('boom');
  }), /boom/);
  assert.deepEqual(s.namespaces.list(), []);
  // A failing nested call rolls back only its savepoint when the outer catches it.
  s.tx(() => {
    s.images.create('default', { name: 'a', target: desc('1') });
    assert.throws(() => s.images.create('default', { name: 'a', target: desc('1') }), AlreadyExistsError);
  });
  assert.equal(s.images.list('default').length, 1);
});

test('GC: reachability through image targets, gc.ref labels, containers, leases and gc.root', (t) => {
  const s = openT(t, tempRoot(t));
  const ns = 'default';
  // index → manifest → config + 2 layers; the layers name their unpacked snapshot.
  const [index, manifest, config, l1, l2] = ['1', '2', '3', '4', '5'].map(D);
  s.content.add(ns, { digest: index, size: 1, labels: { 'containerd.io/gc.ref.content.m.0': manifest } });
  s.content.add(ns, { digest: manifest, size: 1, labels: { 'containerd.io/gc.ref.content.config': config, 'containerd.io/gc.ref.content.l.0': l1, 'containerd.io/gc.ref.content.l.1': l2 } });
  s.content.add(ns, { digest: config, size: 1, labels: { 'containerd.io/gc.ref.snapshot.overlayfs': 'chain-2' } });
  s.content.add(ns, { digest: l1, size: 1 });
  s.content.add(ns, { digest: l2, size: 1 });
  s.snapshots.create('overlayfs', ns, { key: 'chain-1', name: '1', kind: 'committed' });
  s.snapshots.create('overlayfs', ns, { key: 'chain-2', name: '2', parent: 'chain-1', kind: 'committed' });
  // Orphans: a blob, a snapshot chain and a blob another namespace also holds.
  const [orphan, shared, leased, flatChild, rooted] = ['6', '7', '8', '9', 'a'].map(D);
  s.content.add(ns, { digest: orphan, size: 1 });
  s.snapshots.create('overlayfs', ns, { key: 'old-1', name: '10', kind: 'committed' });
  s.snapshots.create('overlayfs', ns, { key: 'old-2', name: '11', parent: 'old-1', kind: 'active' });
  s.content.add(ns, { digest: shared, size: 1 });
  s.content.add('other', { digest: shared, size: 1 });
  s.images.create('other', { name: 'keep', target: { ...desc('7') } });

  let r = s.gc.collect();
  // No image yet in default: everything of it is garbage except what 'other' keeps.
  assert.deepEqual(r.content.filter((c) => c.namespace === ns).map((c) => c.digest).sort(), [index, manifest, config, l1, l2, orphan, shared].sort());
  assert.deepEqual(r.blobs, [index, manifest, config, l1, l2, orphan].sort());
  assert.deepEqual(r.snapshots.overlayfs.map((x) => x.key).sort(), ['chain-1', 'chain-2', 'old-1', 'old-2']);

  s.images.create(ns, { name: 'docker.io/library/app:1', target: { ...desc('1') } });
  r = s.gc.collect();
  assert.deepEqual(r.content, [{ namespace: ns, digest: orphan }, { namespace: ns, digest: shared }]);
  assert.deepEqual(r.blobs, [orphan]);
  assert.deepEqual(r.snapshots, { overlayfs: [{ namespace: ns, key: 'old-1', name: '10' }, { namespace: ns, key: 'old-2', name: '11' }] });
  assert.deepEqual(r.snapshotNames, { overlayfs: ['10', '11'] });

  // A container holds old-2 and, through its parent link, old-1.
  s.containers.create(ns, { id: 'c', runtime: { name: 'r' }, snapshotter: 'overlayfs', snapshotKey: 'old-2' });
  r = s.gc.collect();
  assert.deepEqual(r.snapshots, {});

  // A lease holds content (following its refs); a flat lease holds only the resource itself;
  // an expired lease holds nothing and is reported.
  s.content.add(ns, { digest: leased, size: 1, labels: { 'containerd.io/gc.ref.content': orphan } });
  s.content.add(ns, { digest: rooted, size: 1, labels: { 'containerd.io/gc.root': '' } });
  s.content.add(ns, { digest: flatChild, size: 1 });
  s.content.setLabels(ns, shared, { 'containerd.io/gc.ref.content.x': flatChild });
  s.leases.create(ns, { id: 'pull' });
  s.leases.addResource(ns, 'pull', { type: 'content', id: leased });
  s.leases.addResource(ns, 'pull', { type: 'ingest', id: 'ingest-ref' });
  s.leases.create(ns, { id: 'flat', labels: { 'containerd.io/gc.flat': '' } });
  s.leases.addResource(ns, 'flat', { type: 'content', id: shared });
  s.leases.create(ns, { id: 'old', expiresAt: new Date(Date.now() - 1000) });
  s.leases.addResource(ns, 'old', { type: 'content', id: flatChild });
  r = s.gc.collect();
  assert.deepEqual(r.content, [{ namespace: ns, digest: flatChild }]);
  assert.deepEqual(r.blobs, [flatChild]);
  assert.deepEqual(r.expiredLeases, [{ namespace: ns, id: 'old' }]);
  assert.deepEqual(r.leasedIngests, [{ namespace: ns, ref: 'ingest-ref' }]);

  // sweep drops the unreachable records in the same transaction.
  s.containers.delete(ns, 'c');
  r = s.gc.sweep();
  assert.deepEqual(r.snapshotNames, { overlayfs: ['10', '11'] });
  assert.equal(s.content.find(ns, flatChild), undefined);
  assert.equal(s.snapshots.find('overlayfs', ns, 'old-1'), undefined);
  assert.equal(s.leases.find(ns, 'old'), undefined);
  const again = s.gc.collect();
  assert.deepEqual([again.content, again.blobs, again.snapshots, again.expiredLeases], [[], [], {}, []]);
});

// Each worker: in every transaction, an image and a content ref in each of two namespaces, and
// a read-modify-write increment of a counter label (lost updates would show in the total).
const WORKER = `
const { openMetadata } = require(process.argv[1]);
const [root, w, n] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const s = openMetadata(root);
for (let i = 0; i < n; i++) {
  s.tx(() => {
    for (const ns of ['ns-a', 'ns-b']) {
      const hex = (w * 1000 + i).toString(16).padStart(64, '0');
      s.content.add(ns, { digest: 'sha256:' + hex, size: i });
      s.images.create(ns, { name: 'img-' + w + '-' + i, target: { mediaType: 'm', digest: 'sha256:' + hex, size: i } });
      const cur = Number(s.namespaces.get(ns).labels.count ?? '0');
      s.namespaces.setLabels(ns, { count: String(cur + 1) });
    }
  });
}
s.close();
`;

test('20 processes writing at once: every transaction lands, none fails with SQLITE_BUSY', async (t) => {
  const root = tempRoot(t);
  const N = 50;
  const results = await Promise.all(Array.from({ length: 20 }, (_, w) => runNode(WORKER, [root, String(w), String(N)])));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const s = openT(t, root);
  for (const ns of ['ns-a', 'ns-b']) {
    assert.equal(s.images.list(ns).length, 20 * N);
    assert.equal(s.content.list(ns).length, 20 * N);
    assert.equal(s.namespaces.get(ns).labels.count, String(20 * N));
  }
  assert.equal(s.stmt('PRAGMA integrity_check').get().integrity_check, 'ok');
});

const KILLED = `
const { openMetadata } = require(process.argv[1]);
const s = openMetadata(process.argv[2]);
s.tx(() => {
  for (let i = 0; i < 200; i++) s.images.create('doomed', { name: 'half-' + i, target: { mediaType: 'm', digest: 'sha256:' + 'e'.repeat(64), size: 1 } });
  s.content.add('default', { digest: 'sha256:' + 'e'.repeat(64), size: 1 });
  process.stdout.write('in-tx\\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // hold the transaction open forever
});
`;

test('a writer killed with SIGKILL mid-transaction leaves no trace; the store stays usable', async (t) => {
  const root = tempRoot(t);
  const s = openT(t, root);
  s.images.create('default', { name: 'before', target: desc('1') });
  let readerSaw;
  const r = await runNode(KILLED, [root], (out, p) => {
    if (!out.includes('in-tx') || readerSaw !== undefined) return;
    // While it holds the write lock, a reader still sees the last committed state (WAL).
    readerSaw = s.images.list('default').map((i) => i.name);
    p.kill('SIGKILL');
  });
  assert.equal(r.signal, 'SIGKILL', r.stderr);
  assert.deepEqual(readerSaw, ['before']);
  s.close();
  const s2 = openT(t, root);
  assert.equal(s2.stmt('PRAGMA integrity_check').get().integrity_check, 'ok');
  assert.deepEqual(s2.namespaces.list().map((n) => n.name), ['default']);
  assert.deepEqual(s2.images.list('default').map((i) => i.name), ['before']);
  assert.deepEqual(s2.content.list('default'), []);
  s2.images.create('default', { name: 'after', target: desc('2') });
  assert.equal(s2.images.list('default').length, 2);
});
