// The content-addressed blob store: verified commits, resumable ingests (also after SIGKILL),
// one writer per ref across processes, many concurrent ingests of one blob, labels, hostile digests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, existsSync, readdirSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const require = createRequire(import.meta.url);
const MOD = join(DIST, 'content/index.js');
const {
  ContentStore, ingestFromStream, ingestKey, ContentDigestMismatchError, ContentSizeMismatchError, IngestLockedError,
} = require(MOD);
const { NotFoundError, InvalidArgumentError, UnsupportedError } = require(join(DIST, 'errors.js'));

const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function tempRoot(t) {
  const d = mkdtempSync(join(tmpdir(), 'berth-content-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const dirOf = (store, sub) => join(store.paths.dir, sub);
const ls = (d) => (existsSync(d) ? readdirSync(d) : []);

/** A stream of `data` in small chunks, yielding to the event loop between them (to interleave ingests). */
function chunked(data, size = 4096) {
  return Readable.from((async function* gen() {
    for (let i = 0; i < data.length; i += size) {
      await new Promise((r) => setImmediate(r));
      yield data.subarray(i, i + size);
    }
  })());
}

/** Runs `script` in a child node with the module path as argv[1]; resolves on exit. */
function child(script, args, { onLine } = {}) {
  const p = spawn(process.execPath, ['-e', script, MOD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (b) => { stdout += b; onLine?.(stdout, p); });
  p.stderr.on('data', (b) => { stderr += b; });
  const done = new Promise((resolve, reject) => {
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { p, done };
}

/** A child that opens `ref`, writes the first `half` bytes of `file`, prints "ready" and waits. */
const HOLDER = `
const { ContentStore } = require(process.argv[1]);
const [root, ref, file, half, total] = process.argv.slice(2);
const data = require('fs').readFileSync(file);
const w = new ContentStore(root).writer(ref, { expectedSize: Number(total) });
w.write(data.subarray(0, Number(half)));
process.stdout.write('ready ' + w.offset + '\\n');
setInterval(() => {}, 1000);
`;

function waitReady(h) {
  return new Promise((resolve, reject) => {
    const tm = setTimeout(() => reject(new Error('child not ready')), 15000);
    let buf = '';
    h.p.stdout.on('data', (b) => { buf += b; if (buf.includes('\n')) { clearTimeout(tm); resolve(buf); } });
    h.done.then((r) => { clearTimeout(tm); reject(new Error(`child exited early: ${r.code} ${r.stderr}`)); });
  });
}

test('write, commit and read back; info, has, list, readStream ranges', async (t) => {
  const store = new ContentStore(tempRoot(t));
  const data = randomBytes(300_000);
  const d = sha(data);
  assert.equal(store.has(d), false);
  assert.deepEqual(store.list(), []);
  const w = store.writer('layer-1', { expectedDigest: d, expectedSize: data.length });
  assert.equal(w.offset, 0);
  w.write(data.subarray(0, 1000));
  w.write(data.subarray(1000));
  assert.equal(w.digest(), d);
  const r = w.commit();
  assert.equal(r.digest, d);
  assert.equal(r.size, data.length);
  assert.equal(r.existed, false);
  assert.ok(store.has(d));
  assert.deepEqual(store.readFile(d), data);
  const info = store.info(d);
  assert.equal(info.size, data.length);
  assert.ok(info.createdAt instanceof Date);
  assert.deepEqual(info.labels, {});
  assert.equal(statSync(join(store.paths.blobs, d.slice(7))).mode & 0o777, 0o444);
  assert.deepEqual(store.list().map((i) => i.digest), [d]);
  assert.deepEqual(ls(dirOf(store, 'ingest')), [], 'the ingest is gone after commit');
  const chunks = [];
  for await (const c of store.readStream(d, { start: 10, end: 19 })) chunks.push(c);
  assert.deepEqual(Buffer.concat(chunks), data.subarray(10, 20));
  // Committing the same bytes again under another ref succeeds and reports the blob existed.
  const again = await ingestFromStream(store, 'other', Readable.from([data]), {});
  assert.equal(again.existed, true);
  assert.equal(again.digest, d);
  // A second ingest with an expected digest that is stored does not read its source.
  let read = false;
  const src = new Readable({ read() { read = true; this.push(null); } });
  const skip = await ingestFromStream(store, 'third', src, { expectedDigest: d });
  assert.equal(skip.existed, true);
  assert.equal(read, false);
  assert.throws(() => store.info(sha(Buffer.from('nope'))), NotFoundError);
  assert.throws(() => store.readStream(sha(Buffer.from('nope'))), NotFoundError);
});

test('wrong digest or wrong size is refused, naming expected and actual, and leaves nothing behind', async (t) => {
  const store = new ContentStore(tempRoot(t));
  const data = randomBytes(10_000);
  const wrong = sha(Buffer.from('something else'));
  await assert.rejects(ingestFromStream(store, 'bad-digest', chunked(data), { expectedDigest: wrong }), (e) => {
    assert.ok(e instanceof ContentDigestMismatchError);
    assert.equal(e.expected, wrong);
    assert.equal(e.actual, sha(data));
    assert.match(e.message, new RegExp(`${sha(data)}.*expected ${wrong}`));
    return true;
  });
  // Too few bytes for the expected size: refused at commit.
  const w = store.writer('short', { expectedSize: data.length + 1 });
  w.write(data);
  assert.throws(() => w.commit(), (e) => e instanceof ContentSizeMismatchError && e.expected === data.length + 1 && e.actual === data.length);
  // Too many bytes: refused at the write that goes past it.
  await assert.rejects(ingestFromStream(store, 'long', chunked(data), { expectedSize: 5000, expectedDigest: sha(data) }),
    (e) => e instanceof ContentSizeMismatchError && e.expected === 5000 && e.actual > 5000);
  // Size given at commit only.
  const w2 = store.writer('commit-size');
  w2.write(data);
  assert.throws(() => w2.commit({ expectedSize: 3 }), ContentSizeMismatchError);
  assert.deepEqual(ls(store.paths.blobs), []);
  assert.deepEqual(ls(dirOf(store, 'ingest')), []);
  assert.deepEqual(store.activeIngests(), []);
  assert.deepEqual(store.list(), []);
});

test('resume after a dropped writer: offset is the bytes held, the commit verifies all of them', async (t) => {
  const root = tempRoot(t);
  const data = randomBytes(2_000_003);
  const d = sha(data);
  const half = 1_000_000;
  let store = new ContentStore(root);
  const w1 = store.writer('resume-me', { expectedDigest: d, expectedSize: data.length });
  w1.write(data.subarray(0, half));
  // While it is open, the status shows it locked by us.
  const st = store.status('resume-me');
  assert.equal(st.offset, half);
  assert.equal(st.total, data.length);
  assert.equal(st.lockedBy, process.pid);
  w1.close(); // the writer is let go without committing (a dropped connection)
  store = new ContentStore(root); // a new store object, as a new process would have
  assert.equal(store.status('resume-me').lockedBy, undefined);
  const w2 = store.writer('resume-me', { expectedSize: data.length });
  assert.equal(w2.offset, half);
  assert.equal(w2.total, data.length);
  w2.write(data.subarray(half));
  const r = w2.commit({ expectedDigest: d });
  assert.equal(r.digest, d);
  assert.deepEqual(store.readFile(d), data);

  // Resume through ingestFromStream's offset callback (as an HTTP Range request would).
  const data2 = randomBytes(50_000);
  const w3 = store.writer('ranged', { expectedSize: data2.length });
  w3.write(data2.subarray(0, 12_345));
  w3.close();
  let asked;
  const r2 = await ingestFromStream(store, 'ranged', (offset) => { asked = offset; return chunked(data2.subarray(offset)); },
    { expectedDigest: sha(data2), expectedSize: data2.length });
  assert.equal(asked, 12_345);
  assert.equal(r2.digest, sha(data2));

  // A resumed ingest given a different total than it started with is refused, not silently mixed.
  const w4 = store.writer('fixed-total', { expectedSize: 100 });
  w4.write(Buffer.alloc(10));
  w4.close();
  assert.throws(() => store.writer('fixed-total', { expectedSize: 200 }), InvalidArgumentError);
  store.abort('fixed-total');
  assert.deepEqual(store.activeIngests(), []);
});

test('a writer killed with SIGKILL mid-ingest holds the ref while alive; after, the ingest resumes', async (t) => {
  const root = tempRoot(t);
  const store = new ContentStore(root);
  const data = randomBytes(1_500_000);
  const file = join(root, 'src.bin');
  writeFileSync(file, data);
  const half = 700_001;
  const h = child(HOLDER, [root, 'killed-ref', file, String(half), String(data.length)]);
  t.after(() => { if (h.p.exitCode === null && h.p.signalCode === null) h.p.kill('SIGKILL'); });
  const line = await waitReady(h);
  assert.match(line, new RegExp(`ready ${half}`));
  // Another process (us) cannot write the ref meanwhile, nor abort it.
  assert.throws(() => store.writer('killed-ref'), (e) => e instanceof IngestLockedError && e.holderPid === h.p.pid && /killed-ref.*locked/.test(e.message));
  assert.throws(() => store.abort('killed-ref'), IngestLockedError);
  const active = store.activeIngests();
  assert.equal(active.length, 1);
  assert.deepEqual([active[0].ref, active[0].offset, active[0].total, active[0].lockedBy], ['killed-ref', half, data.length, h.p.pid]);
  h.p.kill('SIGKILL');
  const res = await h.done;
  assert.equal(res.signal, 'SIGKILL');
  // The stale lock of the dead process is taken over; the data it wrote is kept.
  assert.equal(store.status('killed-ref').lockedBy, undefined);
  const w = store.writer('killed-ref', { expectedDigest: sha(data), expectedSize: data.length });
  assert.equal(w.offset, half);
  w.write(data.subarray(half));
  assert.equal(w.commit().digest, sha(data));
  assert.deepEqual(store.readFile(sha(data)), data);
  assert.deepEqual(ls(dirOf(store, 'ingest')), []);
});

test('a lock left by an exited process (or with garbage in it) is stale and taken over', async (t) => {
  const store = new ContentStore(tempRoot(t));
  const gone = child('process.stdout.write(String(process.pid))', []);
  const r = await gone.done;
  const dead = Number(r.stdout);
  const w = store.writer('stale');
  w.write(Buffer.from('abc'));
  w.close();
  const lock = join(store.paths.ingest, ingestKey('stale'), 'lock');
  writeFileSync(lock, `${dead} 12345\n`);
  const w2 = store.writer('stale');
  assert.equal(w2.offset, 3);
  assert.equal(readFileSync(lock, 'utf8').split(' ')[0], String(process.pid));
  w2.close();
  assert.equal(existsSync(lock), false);
  writeFileSync(lock, 'garbage');
  const w3 = store.writer('stale');
  w3.write(Buffer.from('def'));
  assert.equal(w3.commit().digest, sha(Buffer.from('abcdef')));
});

test('two writers on one ref: the second fails cleanly with "locked", the first is unharmed', async (t) => {
  const store = new ContentStore(tempRoot(t));
  const data = randomBytes(100_000);
  const w1 = store.writer('same', { expectedDigest: sha(data) });
  w1.write(data.subarray(0, 50_000));
  assert.throws(() => store.writer('same'), (e) => e instanceof IngestLockedError && e.code === 'EUNAVAILABLE' && e.holderPid === process.pid);
  // Through ingestFromStream too, and the failing one does not touch the data.
  await assert.rejects(ingestFromStream(store, 'same', Readable.from([Buffer.from('intruder')])), IngestLockedError);
  w1.write(data.subarray(50_000));
  assert.equal(w1.commit().digest, sha(data));
  assert.deepEqual(store.readFile(sha(data)), data);
  // Once committed, the ref is free for a new ingest.
  const w3 = store.writer('same');
  assert.equal(w3.offset, 0);
  w3.abort();
  assert.deepEqual(store.activeIngests(), []);
});

test('20 concurrent ingests of one blob under different refs all succeed, leaving one blob', async (t) => {
  const store = new ContentStore(tempRoot(t));
  const data = randomBytes(200_000);
  const d = sha(data);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    ingestFromStream(store, `pull-${i}`, chunked(data, 8192), { expectedDigest: d, expectedSize: data.length })));
  for (const r of results) assert.equal(r.digest, d);
  assert.deepEqual(ls(store.paths.blobs), [d.slice(7)]);
  assert.deepEqual(store.readFile(d), data);
  assert.deepEqual(ls(dirOf(store, 'ingest')), []);
});

test('concurrent processes: 8 refs of one blob all commit; 4 on the same ref either commit or get "locked"', async (t) => {
  const root = tempRoot(t);
  const store = new ContentStore(root);
  const data = randomBytes(400_000);
  const file = join(root, 'src.bin');
  writeFileSync(file, data);
  const INGEST = `
const { ContentStore, ingestFromStream } = require(process.argv[1]);
const fs = require('fs');
const [root, ref, file, digest] = process.argv.slice(2);
ingestFromStream(new ContentStore(root), ref, fs.createReadStream(file, { highWaterMark: 16384 }), { expectedDigest: digest })
  .then((r) => process.stdout.write(r.digest), (e) => { process.stdout.write(e.name + ': ' + e.message); process.exitCode = 3; });
`;
  const kids = [
    ...Array.from({ length: 8 }, (_, i) => child(INGEST, [root, `proc-${i}`, file, sha(data)])),
    ...Array.from({ length: 4 }, () => child(INGEST, [root, 'shared', file, sha(data)])),
  ];
  const res = await Promise.all(kids.map((k) => k.done));
  for (const r of res.slice(0, 8)) assert.equal(r.stdout, sha(data), r.stderr);
  const shared = res.slice(8);
  for (const r of shared) assert.ok(r.stdout === sha(data) || /^IngestLockedError: .*shared.*locked/.test(r.stdout), r.stdout + r.stderr);
  assert.deepEqual(ls(store.paths.blobs), [sha(data).slice(7)]);
  assert.deepEqual(store.readFile(sha(data)), data);
  assert.deepEqual(store.activeIngests(), []);
});

test('labels: set, replace, clear, commit with labels, delete removes them', async (t) => {
  const store = new ContentStore(tempRoot(t));
  const a = Buffer.from('blob a');
  const b = Buffer.from('blob b');
  const ra = await ingestFromStream(store, 'a', Readable.from([a]), { expectedDigest: sha(a), labels: { 'containerd.io/gc.root': 'now' } });
  assert.deepEqual(ra.labels, { 'containerd.io/gc.root': 'now' });
  await ingestFromStream(store, 'b', Readable.from([b]));
  assert.deepEqual(store.setLabels(sha(b), { x: '1', y: '2' }).labels, { x: '1', y: '2' });
  assert.deepEqual(store.setLabels(sha(b), { y: '3' }).labels, { y: '3' });
  assert.deepEqual(store.list().map((i) => [i.digest, i.labels]).sort(),
    [[sha(a), { 'containerd.io/gc.root': 'now' }], [sha(b), { y: '3' }]].sort());
  assert.deepEqual(store.list((i) => i.labels.y === '3').map((i) => i.digest), [sha(b)]);
  assert.deepEqual(store.setLabels(sha(a), {}).labels, {});
  assert.throws(() => store.setLabels(sha(b), { k: 5 }), InvalidArgumentError);
  assert.throws(() => store.setLabels(sha(Buffer.from('absent')), { k: 'v' }), NotFoundError);
  store.delete(sha(b));
  assert.equal(store.has(sha(b)), false);
  assert.deepEqual(ls(join(store.paths.dir, 'labels', 'sha256')), []);
  // A re-commit of a deleted blob does not inherit its old labels.
  await ingestFromStream(store, 'b2', Readable.from([b]));
  assert.deepEqual(store.info(sha(b)).labels, {});
  assert.throws(() => store.delete(sha(Buffer.from('absent'))), NotFoundError);
  store.delete(sha(a));
  store.delete(sha(b));
  assert.deepEqual(store.list(), []);
});

test('hostile or unsupported digests and refs are refused before any path is built', async (t) => {
  const root = tempRoot(t);
  const store = new ContentStore(join(root, 'store'));
  await ingestFromStream(store, 'x', Readable.from([Buffer.from('x')]));
  const hex = 'a'.repeat(64);
  const hostile = ['sha256:../../etc', 'sha256:../../../../etc/passwd', `sha256:${hex}/../x`, `sha256:${'A'.repeat(64)}`,
    `sha256:${hex.slice(1)}`, `sha256:${hex}0`, `sha256:${hex}\n`, '../etc/passwd', '', 'sha256:', hex, `sha256:${hex.slice(2)}\0\0`];
  for (const d of hostile) {
    for (const op of [() => store.info(d), () => store.has(d), () => store.readFile(d), () => store.readStream(d),
      () => store.delete(d), () => store.setLabels(d, {}), () => store.writer('r', { expectedDigest: d })]) {
      assert.throws(op, (e) => e instanceof InvalidArgumentError && /content digest/.test(e.message), `${JSON.stringify(d)}`);
    }
  }
  assert.throws(() => store.info(`sha512:${'a'.repeat(128)}`), (e) => e instanceof UnsupportedError && /only sha256/.test(e.message));
  for (const ref of ['', 'a\0b', 'x'.repeat(5000), 7]) assert.throws(() => store.writer(ref), InvalidArgumentError);
  // A ref full of path syntax is only ever hashed.
  const w = store.writer('../../../../tmp/evil/ref');
  w.write(Buffer.from('y'));
  w.commit();
  assert.deepEqual(ls(root), ['store']);
  assert.deepEqual(ls(store.paths.blobs).length, 2);
});
