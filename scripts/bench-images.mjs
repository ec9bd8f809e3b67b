#!/usr/bin/env node
// The image benchmark of issue 3: cold pull+unpack of a ~400 MB, 5-layer, ~20,000-file image
// from a loopback registry by berth's ctr and by Debian's containerd + ctr, import of the same
// image as an OCI archive by both, and the physical floor (sha256 + gunzip + tar -x of the same
// layer bytes on this machine). Not a test.
//
//   node scripts/bench-images.mjs [--runs N] [--json FILE] [--regen]
//
// `npm run bench` calls benchImages() (scripts/bench.mjs: --only images, --skip-images).
//
// How: the image is generated here (deterministic PRNG: text-like files that gzip ~3:1, larger
// binaries, directories, symlinks, hard links, whiteouts) into an OCI layout cached under
// ~/.cache/berth/bench/, pushed once per bench run by skopeo to Debian's docker-registry on
// 127.0.0.1 (storage in a temp dir). Every run starts from an empty root: a fresh --root for
// berth, a fresh private containerd for ctr. The registry's files and the archive stay in the
// page cache (warm source, cold destination): caches are not dropped, but `sync` runs before
// each timed step so one run's write-back does not land in the next. Fetch vs unpack is split
// at the moment the CLI prints "unpacking" (both ctrs fetch everything, then unpack).
import { spawn, spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import {
  existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { binPath, childEnv, tempDir, tempRoot } from '../test/lib/index.mjs';
import { startContainerd, REAL_CTR, CONTAINERD } from '../test/lib/containerd.mjs';
import { GOARCH, startRegistry } from '../test/ctr/registry-lib.mjs';
import { msSince, runStandalone } from './bench-lib.mjs';

const gzip = promisify(gzipCb);
const IMAGE_VERSION = 'v1';
const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'berth', 'bench', `image-${IMAGE_VERSION}`);
const REPO = 'bench/big';
const TAG = '1';
const MTIME = 1700000000;

// ---------------------------------------------------------------------------------------------
// deterministic randomness

/** mulberry32: small decisions (sizes, names, parents). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** AES-CTR keystream: bulk pseudo-random bytes, fast and the same on every machine. */
function keystream(seed) {
  const key = createHash('sha256').update(`berth-bench-${seed}`).digest().subarray(0, 16);
  const c = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return (n) => c.update(Buffer.alloc(n));
}

// ---------------------------------------------------------------------------------------------
// content: text-like files (slices of a word corpus) and binaries (skewed bytes)

function makeCorpus(rand, bytes) {
  const letters = 'etaoinshrdlcumwfgypbvkjxqz';
  const vocab = Array.from({ length: 1000 }, () => {
    const n = 2 + Math.floor(rand() * 9);
    let w = '';
    for (let i = 0; i < n; i++) w += letters[Math.floor(letters.length * rand() ** 1.6)];
    return w;
  });
  const punct = [' ', ' ', ' ', ' ', ', ', '. ', '(', ') ', ' = ', '_', '.', ': '];
  const parts = [];
  let len = 0;
  while (len < bytes) {
    let line = ' '.repeat(2 * Math.floor(rand() * 5));
    const words = 3 + Math.floor(rand() * 10);
    for (let i = 0; i < words; i++) {
      line += vocab[Math.floor(vocab.length * rand() ** 3.5)];
      line += punct[Math.floor(rand() * punct.length)];
    }
    line += '\n';
    parts.push(line);
    len += line.length;
  }
  return Buffer.from(parts.join(''), 'latin1');
}

/** A byte map where 0 is common and a few dozen values share the rest: gzips ~3:1. */
const SKEW = (() => {
  const t = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) t[i] = i < 200 ? 0 : (i * 37) & 0xff;
  return t;
})();

function binaryBytes(ks, n) {
  const b = ks(n);
  for (let i = 0; i < n; i++) b[i] = SKEW[b[i]];
  return b;
}

// ---------------------------------------------------------------------------------------------
// a minimal ustar writer (names < 100 bytes by construction)

function octal(buf, off, len, v) {
  buf.write(v.toString(8).padStart(len - 1, '0'), off, len - 1, 'latin1');
}

function tarHeader({ name, mode, uid = 0, gid = 0, size = 0, type = '0', link = '' }) {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  octal(h, 100, 8, mode);
  octal(h, 108, 8, uid);
  octal(h, 116, 8, gid);
  octal(h, 124, 12, size);
  octal(h, 136, 12, MTIME);
  h.fill(0x20, 148, 156);
  h.write(type, 156, 1, 'latin1');
  h.write(link, 157, 100, 'utf8');
  h.write('ustar\x0000', 257, 8, 'latin1');
  h.write(uid === 0 ? 'root' : 'app', 265, 32, 'latin1');
  h.write(gid === 0 ? 'root' : 'app', 297, 32, 'latin1');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i];
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return h;
}

// ---------------------------------------------------------------------------------------------
// the image: five layers shaped like an OS base, libraries, a runtime, dependencies, an app

const LAYERS = [
  { top: ['usr/bin', 'usr/lib', 'usr/share', 'etc', 'var/lib'], dirs: 600, small: 3500, bins: 40, binMB: 50, symlinks: 300, hardlinks: 20 },
  { top: ['usr/lib', 'usr/include', 'usr/share/doc'], dirs: 400, small: 3000, bins: 50, binMB: 60, symlinks: 150, hardlinks: 10 },
  { top: ['usr/local/lib/rt', 'usr/local/bin'], dirs: 800, small: 6000, bins: 20, binMB: 30, symlinks: 100, hardlinks: 0 },
  { top: ['opt/app/deps', 'opt/app/vendor'], dirs: 700, small: 6000, bins: 30, binMB: 60, symlinks: 100, hardlinks: 0, uid: 1000 },
  { top: ['opt/app/src', 'opt/app/static'], dirs: 150, small: 1300, bins: 10, binMB: 20, symlinks: 20, hardlinks: 0, uid: 1000, whiteouts: 30 },
];
const EXT = ['.txt', '.py', '.js', '.h', '.json', '.md', '.conf', '.html', '.css', '.go'];

/** Log-uniform integer in [lo, hi]. */
const logUniform = (rand, lo, hi) => Math.round(lo * (hi / lo) ** rand());

/** One layer's tar (as buffers) and what it holds. `lower` lists files of lower layers (for whiteouts). */
function makeLayerTar(i, spec, corpus, lower) {
  const rand = prng(1000 + i);
  const ks = keystream(i);
  const word = () => corpus.toString('latin1', 0, 4096).split(/[^a-z]+/).filter((w) => w.length > 2);
  const words = word();
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const entries = []; // { name, header fields, data? }
  const dirs = [];
  const seen = new Set();
  const addDir = (p, uid) => {
    const parts = p.split('/');
    for (let k = 1; k <= parts.length; k++) {
      const d = parts.slice(0, k).join('/');
      if (seen.has(d)) continue;
      seen.add(d);
      dirs.push(d);
      entries.push({ name: `${d}/`, mode: 0o755, uid, gid: uid, type: '5' });
    }
  };
  const uid = spec.uid ?? 0;
  for (const t of spec.top) addDir(t, 0);
  let n = 0;
  while (dirs.length < spec.dirs + spec.top.length) {
    const parent = pick(dirs);
    if (parent.split('/').length >= 7) continue;
    addDir(`${parent}/${pick(words)}${n++}`, uid);
  }
  const files = [];
  const fileName = (ext) => {
    for (;;) {
      const p = `${pick(dirs)}/${pick(words)}_${n++}${ext}`;
      if (p.length < 99) return p;
    }
  };
  for (let k = 0; k < spec.small; k++) {
    const size = logUniform(rand, 100, 56 * 1024);
    const off = Math.floor(rand() * (corpus.length - size));
    const name = fileName(pick(EXT));
    files.push(name);
    entries.push({ name, mode: 0o644, uid, gid: uid, size, data: corpus.subarray(off, off + size) });
  }
  const binSizes = Array.from({ length: spec.bins }, () => logUniform(rand, 64 * 1024, 8 << 20));
  const scale = (spec.binMB << 20) / binSizes.reduce((a, b) => a + b, 0);
  for (let k = 0; k < spec.bins; k++) {
    const size = Math.max(4096, Math.round(binSizes[k] * scale));
    const name = fileName(k % 7 === 0 ? '.so' : '');
    files.push(name);
    entries.push({ name, mode: k % 13 === 5 ? 0o4755 : 0o755, uid, gid: uid, size, data: binaryBytes(ks, size) });
  }
  for (let k = 0; k < spec.symlinks; k++) {
    const name = fileName('.lnk');
    entries.push({ name, mode: 0o777, uid, gid: uid, type: '2', link: pick(files).split('/').slice(-1)[0] });
  }
  for (let k = 0; k < spec.hardlinks; k++) {
    // Next to its target and sorting after it, as tar's walk meets a second name of an inode.
    const target = pick(files.filter((f) => f.length < 95));
    entries.push({ name: `${target}.hl`, mode: 0o644, uid, gid: uid, type: '1', link: target });
  }
  const whiteouts = new Set();
  while (whiteouts.size < (spec.whiteouts ?? 0)) whiteouts.add(pick(lower));
  for (const gone of whiteouts) {
    addDir(gone.split('/').slice(0, -1).join('/'), 0);
    entries.push({ name: gone.replace(/[^/]+$/, (b) => `.wh.${b}`), mode: 0o644, type: '0' });
  }
  // Walk order of a real tree: sorted, so parents come before children.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const bufs = [];
  let bytes = 0;
  for (const e of entries) {
    bufs.push(tarHeader({ ...e, size: e.data?.length ?? 0 }));
    if (e.data) {
      bufs.push(e.data);
      const pad = (512 - (e.data.length % 512)) % 512;
      if (pad) bufs.push(Buffer.alloc(pad));
      bytes += e.data.length;
    }
  }
  bufs.push(Buffer.alloc(1024));
  const count = (t) => entries.filter((e) => (e.type ?? '0') === t && !e.name.includes('/.wh.')).length;
  return {
    tar: Buffer.concat(bufs), files, bytes,
    counts: { files: count('0'), dirs: count('5'), symlinks: count('2'), hardlinks: count('1'), whiteouts: spec.whiteouts ?? 0 },
  };
}

const sha256 = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Generates the image into the cache (once): OCI layout + an OCI archive of it. Returns its meta. */
export async function ensureImage({ regen = false, log = () => {} } = {}) {
  const metaFile = join(CACHE, 'meta.json');
  if (!regen && existsSync(metaFile)) return JSON.parse(readFileSync(metaFile, 'utf8'));
  log(`generating the image into ${CACHE} (once; cached for later runs)`);
  const t0 = Date.now();
  rmSync(CACHE, { recursive: true, force: true });
  const work = `${CACHE}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  const blobs = join(work, 'oci', 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const corpus = makeCorpus(prng(7), 8 << 20);
  const layers = [];
  let lower = [];
  const pending = [];
  for (let i = 0; i < LAYERS.length; i++) {
    const l = makeLayerTar(i, LAYERS[i], corpus, lower);
    lower = lower.concat(l.files);
    const diffID = sha256(l.tar);
    const info = { diffID, tarSize: l.tar.length, bytes: l.bytes, ...l.counts };
    layers.push(info);
    pending.push(gzip(l.tar, { level: 6 }).then((gz) => {
      info.digest = sha256(gz);
      info.size = gz.length;
      writeFileSync(join(blobs, info.digest.slice(7)), gz);
    }));
  }
  await Promise.all(pending);
  const config = Buffer.from(JSON.stringify({
    architecture: GOARCH, os: 'linux', config: { Cmd: ['/bin/sh'], WorkingDir: '/opt/app' },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffID) },
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: l.digest, size: l.size })),
  }));
  for (const b of [config, manifest]) writeFileSync(join(blobs, sha256(b).slice(7)), b);
  writeFileSync(join(work, 'oci', 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(work, 'oci', 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': TAG } }],
  }));
  // The archive for `images import`, made by skopeo (a writer berth did not write).
  const r = spawnSync('skopeo', ['copy', '--quiet', `oci:${join(work, 'oci')}:${TAG}`, `oci-archive:${join(work, 'image.oci.tar')}:${TAG}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`skopeo copy to oci-archive: ${r.stderr}`);
  const sum = (k) => layers.reduce((a, l) => a + l[k], 0);
  const meta = {
    version: IMAGE_VERSION, manifest: sha256(manifest), layers,
    totals: {
      compressed: sum('size'), tar: sum('tarSize'), bytes: sum('bytes'), files: sum('files'), dirs: sum('dirs'),
      symlinks: sum('symlinks'), hardlinks: sum('hardlinks'), whiteouts: sum('whiteouts'),
    },
  };
  writeFileSync(join(work, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  renameSync(work, CACHE);
  log(`generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return meta;
}

export const imagePaths = () => ({ oci: join(CACHE, 'oci'), archive: join(CACHE, 'image.oci.tar'), blob: (d) => join(CACHE, 'oci', 'blobs', 'sha256', d.slice(7)) });

// ---------------------------------------------------------------------------------------------
// measuring

const stats = (samples) => {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, median: s[Math.floor((s.length - 1) / 2)], min: s[0], max: s[s.length - 1] };
};

const syncDisks = () => spawnSync('sync');

/** /proc/<pid>/status VmHWM (peak RSS) and utime+stime of a live process, in KB and ms. */
function procPeak(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = 1000 / 100; // CLK_TCK is 100 on Linux x86/arm
  return { rssKB: hwm, cpuMs: (Number(f[11]) + Number(f[12])) * tick };
}

/**
 * Runs a CLI under /usr/bin/time (peak RSS and CPU of the process and its children), timing
 * the whole and the moment its stdout first shows `mark`. Rejects on a non-zero exit.
 */
function timedCli(file, args, { mark = 'unpacking', env = childEnv(), timeout = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const timeFile = join(tempDir('time'), 'out');
    const t0 = process.hrtime.bigint();
    const p = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, file, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    let markMs;
    const timer = setTimeout(() => p.kill('SIGKILL'), timeout);
    p.stdout.on('data', (d) => {
      out += d;
      if (markMs === undefined && out.includes(mark)) markMs = msSince(t0);
    });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = msSince(t0);
      if (code !== 0) {
        reject(new Error(`${file} ${args.join(' ')}: ${signal ?? `exit ${code}`}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      const [rss, u, s] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      resolve({ ms, markMs, rssKB: rss, cpuMs: (u + s) * 1000, stdout: out });
    });
  });
}

const BERTH_CTR = binPath('ctr');

/** One cold pull+unpack by berth into a fresh root. */
async function berthPull(ref) {
  const root = tempDir('berth-root');
  const state = tempDir('berth-state');
  syncDisks();
  try {
    const r = await timedCli(BERTH_CTR, ['--root', root, '--state', state, '-n', 'bench', 'images', 'pull', '--plain-http', ref]);
    return { total: r.ms, fetch: r.markMs, unpack: r.markMs === undefined ? undefined : r.ms - r.markMs, cliRssKB: r.rssKB, cliCpuMs: r.cpuMs };
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  }
}

async function berthImport(archive) {
  const root = tempDir('berth-root');
  const state = tempDir('berth-state');
  syncDisks();
  try {
    const r = await timedCli(BERTH_CTR, ['--root', root, '--state', state, '-n', 'bench', 'images', 'import', '--base-name', `bench.local/${REPO}`, archive]);
    return { total: r.ms, cliRssKB: r.rssKB, cliCpuMs: r.cpuMs };
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  }
}

/** The same through a private containerd started for this run alone (its peak RSS is the run's). */
async function containerdRun(args) {
  const cd = await startContainerd();
  try {
    const before = procPeak(cd.pid);
    syncDisks();
    const r = await timedCli(REAL_CTR, ['--address', cd.address, '--namespace', 'bench', ...args]);
    const after = procPeak(cd.pid);
    return {
      total: r.ms, fetch: r.markMs, unpack: r.markMs === undefined ? undefined : r.ms - r.markMs,
      cliRssKB: r.rssKB, cliCpuMs: r.cpuMs, daemonRssKB: after.rssKB, daemonCpuMs: after.cpuMs - before.cpuMs,
    };
  } finally {
    await cd.stop();
    rmSync(cd.dir, { recursive: true, force: true });
  }
}

/** The floor: the same layer blobs through sha256, gunzip, sha256 and tar -x, by three plans. */
function floorRun(meta, plan) {
  const { blob } = imagePaths();
  const dest = tempDir(`floor-${plan}`);
  const shm = `/dev/shm/berth-bench-${process.pid}.tar`;
  const lines = meta.layers.map((l, i) => {
    const b = blob(l.digest);
    const d = join(dest, String(i));
    mkdirSync(d);
    const tarX = `tar -C ${d} -x --numeric-owner -p`;
    if (plan === 'serial') {
      return `sha256sum ${b} >/dev/null && gzip -dc ${b} > ${shm} && sha256sum ${shm} >/dev/null && ${tarX} -f ${shm} && rm -f ${shm}`;
    }
    const one = `tee >(sha256sum >/dev/null) < ${b} | gzip -dc | tee >(sha256sum >/dev/null) | ${tarX}`;
    return plan === 'parallel' ? `{ ${one}; } &` : one;
  });
  const script = `set -eo pipefail\n${lines.join('\n')}\nwait\n`;
  syncDisks();
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 600_000 });
  const ms = msSince(t0);
  rmSync(shm, { force: true });
  rmSync(dest, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`floor (${plan}): ${r.stderr}`);
  return { total: ms };
}

// ---------------------------------------------------------------------------------------------
// the bench

const ROWS = {
  pull: 'cold pull+unpack (registry on 127.0.0.1)',
  fetch: '– fetch (until "unpacking")',
  unpack: '– unpack (from "unpacking" to exit)',
  import: 'import (OCI archive, with unpack)',
};

/**
 * Runs everything `runs` times (tools alternating) and returns { markdown, raw }.
 * `log(msg)` reports progress; `notes` receives remarks for the report.
 */
export async function benchImages({ runs = 3, regen = false, log = () => {} } = {}) {
  const notes = [];
  const meta = await ensureImage({ regen, log });
  const paths = imagePaths();
  if (!existsSync(BERTH_CTR)) throw new Error(`${BERTH_CTR} does not exist: build first (node scripts/build.mjs)`);
  const registry = await startRegistry(tempDir('registry'));
  const raw = { berth: {}, containerd: {}, floor: {} };
  const add = (tool, key, v) => { if (v !== undefined) (raw[tool][key] ??= []).push(v); };
  try {
    const ref = `${registry.host}/${REPO}:${TAG}`;
    log(`pushing the image to ${registry.host} with skopeo`);
    const push = spawnSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${paths.oci}:${TAG}`, `docker://${ref}`], { encoding: 'utf8', timeout: 600_000 });
    if (push.status !== 0) throw new Error(`skopeo push: ${push.stderr}`);
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? ['berth', 'containerd'] : ['containerd', 'berth'];
      for (const tool of order) {
        log(`run ${i + 1}/${runs}: ${tool} pull`);
        const r = tool === 'berth' ? await berthPull(ref) : await containerdRun(['images', 'pull', '--plain-http', ref]);
        for (const [k, v] of Object.entries(r)) add(tool, `pull.${k}`, v);
        log(`  ${(r.total / 1000).toFixed(2)} s (fetch ${((r.fetch ?? NaN) / 1000).toFixed(2)} s), CLI peak RSS ${Math.round(r.cliRssKB / 1024)} MB`);
      }
      for (const tool of order) {
        log(`run ${i + 1}/${runs}: ${tool} import`);
        const r = tool === 'berth' ? await berthImport(paths.archive)
          : await containerdRun(['images', 'import', '--base-name', `bench.local/${REPO}`, paths.archive]);
        for (const [k, v] of Object.entries(r)) add(tool, `import.${k}`, v);
        log(`  ${(r.total / 1000).toFixed(2)} s`);
      }
      for (const plan of ['serial', 'pipelined', 'parallel']) {
        log(`run ${i + 1}/${runs}: floor ${plan}`);
        add('floor', plan, floorRun(meta, plan).total);
      }
    }
  } finally {
    await registry.stop();
  }
  return { markdown: render(meta, raw, runs, notes), raw, meta };
}

const med = (a) => (a && a.length ? stats(a).median : undefined);
const sec = (ms) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)}`);
const mb = (kb) => (kb === undefined ? 'n/a' : `${Math.round(kb / 1024)}`);
const ratio = (a, b) => (a !== undefined && b !== undefined ? `${(a / b).toFixed(2)}×` : 'n/a');

function render(meta, raw, runs, notes) {
  const b = (k) => med(raw.berth[k]);
  const c = (k) => med(raw.containerd[k]);
  const range = (tool, k) => (raw[tool][k] ? `${sec(stats(raw[tool][k]).min)}–${sec(stats(raw[tool][k]).max)}` : 'n/a');
  const t = meta.totals;
  const MiB = (n) => (n / 1048576).toFixed(0);
  const pullRatio = b('pull.total') / c('pull.total');
  const rss = b('pull.cliRssKB');
  const lines = [
    `### Images: a ${meta.layers.length}-layer image, ${MiB(t.tar)} MiB as tar, ${MiB(t.compressed)} MiB gzipped, ${t.files} files (s, median of ${runs}; range)`,
    '',
    `${t.dirs} directories, ${t.symlinks} symlinks, ${t.hardlinks} hard links, ${t.whiteouts} whiteouts; layers ${meta.layers.map((l) => `${MiB(l.size)}/${MiB(l.tarSize)}`).join(', ')} MiB gzipped/tar.`,
    '',
    `| operation | berth | containerd ${ctrVersion()} | berth/containerd | target |`,
    '| --- | --- | --- | --- | --- |',
    `| ${ROWS.pull} | ${sec(b('pull.total'))} (${range('berth', 'pull.total')}) | ${sec(c('pull.total'))} (${range('containerd', 'pull.total')}) | ${ratio(b('pull.total'), c('pull.total'))} | ≤ 1.25×: ${Number.isNaN(pullRatio) ? 'n/a' : pullRatio <= 1.25 ? 'met' : 'MISSED'} |`,
    `| ${ROWS.fetch} | ${sec(b('pull.fetch'))} | ${sec(c('pull.fetch'))} | ${ratio(b('pull.fetch'), c('pull.fetch'))} | |`,
    `| ${ROWS.unpack} | ${sec(b('pull.unpack'))} | ${sec(c('pull.unpack'))} | ${ratio(b('pull.unpack'), c('pull.unpack'))} | |`,
    `| ${ROWS.import} | ${sec(b('import.total'))} (${range('berth', 'import.total')}) | ${sec(c('import.total'))} (${range('containerd', 'import.total')}) | ${ratio(b('import.total'), c('import.total'))} | |`,
    `| CPU time of the pull, user+sys (s) | ${sec(b('pull.cliCpuMs'))} | ${sec(c('pull.cliCpuMs'))} ctr + ${sec(c('pull.daemonCpuMs'))} containerd | | |`,
    `| peak RSS during the pull (MB) | ${mb(rss)} (CLI) | ${mb(c('pull.cliRssKB'))} (ctr) + ${mb(c('pull.daemonRssKB'))} (containerd) | | < 150 MB: ${rss === undefined ? 'n/a' : rss / 1024 < 150 ? 'met' : 'MISSED'} |`,
    `| peak RSS during the import (MB) | ${mb(b('import.cliRssKB'))} (CLI) | ${mb(c('import.cliRssKB'))} (ctr) + ${mb(c('import.daemonRssKB'))} (containerd) | | |`,
    '',
    `Physical floor: the same ${meta.layers.length} layer blobs, each into its own empty directory on the same filesystem (s, median of ${runs}):`,
    '',
    '| floor | s | range |',
    '| --- | --- | --- |',
    `| serial: sha256sum blob, gzip -dc to tmpfs, sha256sum tar, tar -x, layer after layer | ${sec(med(raw.floor.serial))} | ${range('floor', 'serial')} |`,
    `| pipelined: tee >(sha256sum) \\| gzip -dc \\| tee >(sha256sum) \\| tar -x, layer after layer | ${sec(med(raw.floor.pipelined))} | ${range('floor', 'pipelined')} |`,
    `| pipelined, the ${meta.layers.length} layers at once | ${sec(med(raw.floor.parallel))} | ${range('floor', 'parallel')} |`,
  ];
  for (const n of notes) lines.push(`- ${n}`);
  return lines.join('\n');
}

function ctrVersion() {
  const r = spawnSync(CONTAINERD, ['--version'], { encoding: 'utf8' });
  return /\s(\d+\.\d+\.\d+)/.exec(r.stdout ?? '')?.[1] ?? '';
}

// ---------------------------------------------------------------------------------------------
// alone: node scripts/bench-images.mjs

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values: opt } = parseArgs({ options: { runs: { type: 'string', default: '3' }, json: { type: 'string' }, regen: { type: 'boolean', default: false } } });
  await runStandalone('bench-images', async (log) => {
    log(`temp root ${tempRoot()}`);
    const r = await benchImages({ runs: Math.max(1, Number(opt.runs)), regen: opt.regen, log });
    return { markdown: r.markdown, json: { meta: r.meta, raw: r.raw } };
  }, { jsonFile: opt.json });
}
