// OCI bundles with a busybox-static rootfs. The pristine rootfs is built once per test process
// and copied (cp -a) for each bundle; config.json starts from Debian runc's `runc spec`.
import { spawnSync } from 'node:child_process';
import {
  chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync,
  symlinkSync, writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { REAL_RUNC } from './repo.mjs';
import { tempDir, tempRoot } from './tempdir.mjs';
import { trackTempDir } from './cleanup.mjs';

export const BUSYBOX = process.env.BERTH_TEST_BUSYBOX || '/bin/busybox';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'berth:x:1000:1000:berth test user:/home/berth:/bin/sh',
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false',
  '',
].join('\n');
const GROUP = ['root:x:0:', 'berth:x:1000:', 'nogroup:x:65534:', ''].join('\n');

/** Plain objects merge key by key; arrays and scalars replace; null deletes; undefined skips. */
export function deepMerge(target, ...sources) {
  for (const src of sources) {
    if (src === undefined || src === null) continue;
    for (const [k, v] of Object.entries(src)) {
      if (v === undefined) continue;
      if (v === null) delete target[k];
      else if (isPlainObject(v) && isPlainObject(target[k])) deepMerge(target[k], v);
      else target[k] = isPlainObject(v) || Array.isArray(v) ? structuredClone(v) : v;
    }
  }
  return target;
}

function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A dynamically linked busybox (Debian's `busybox`, not `busybox-static`) cannot run alone. */
function assertStatic(path) {
  const fd = openSync(path, 'r');
  try {
    const h = Buffer.alloc(64);
    readSync(fd, h, 0, 64, 0);
    if (h.readUInt32BE(0) !== 0x7f454c46 || h[4] !== 2) return; // not ELF64: let exec complain
    const phoff = Number(h.readBigUInt64LE(0x20));
    const phentsize = h.readUInt16LE(0x36);
    const phnum = h.readUInt16LE(0x38);
    const ph = Buffer.alloc(phentsize * phnum);
    readSync(fd, ph, 0, ph.length, phoff);
    for (let i = 0; i < phnum; i += 1) {
      if (ph.readUInt32LE(i * phentsize) === 3 /* PT_INTERP */) {
        throw new Error(`${path} is dynamically linked: install Debian's busybox-static`);
      }
    }
  } finally {
    closeSync(fd);
  }
}

let pristine = null;

/** The shared, never-modified rootfs every bundle copies. */
export function pristineRootfs() {
  if (pristine) return pristine;
  assertStatic(BUSYBOX);
  const root = join(tempRoot(), 'pristine-rootfs');
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root',
    'home/berth', 'run', 'var/tmp']) {
    mkdirSync(join(root, d), { recursive: true, mode: 0o755 });
  }
  chmodSync(join(root, 'tmp'), 0o1777);
  chmodSync(join(root, 'var/tmp'), 0o1777);
  chmodSync(join(root, 'root'), 0o700);
  copyFileSync(BUSYBOX, join(root, 'bin/busybox'));
  chmodSync(join(root, 'bin/busybox'), 0o755);
  // Static busybox's `--install -s` ignores a target dir, so link each applet from --list-full.
  const list = spawnSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' });
  if (list.status !== 0) throw new Error(`${BUSYBOX} --list-full failed: ${list.stderr}`);
  for (const rel of list.stdout.split('\n').filter(Boolean)) {
    const p = join(root, rel);
    if (rel === 'bin/busybox' || existsSync(p)) continue;
    mkdirSync(dirname(p), { recursive: true });
    symlinkSync('/bin/busybox', p);
  }
  if (!existsSync(join(root, 'bin/sh'))) symlinkSync('/bin/busybox', join(root, 'bin/sh'));
  writeFileSync(join(root, 'etc/passwd'), PASSWD);
  writeFileSync(join(root, 'etc/group'), GROUP);
  writeFileSync(join(root, 'etc/hosts'), '127.0.0.1\tlocalhost\n::1\tlocalhost\n');
  writeFileSync(join(root, 'etc/hostname'), 'berth\n');
  pristine = root;
  return root;
}

let baseSpecCache = null;

/** The default config.json of Debian's runc (`runc spec`), parsed once per process. */
export function baseSpec() {
  if (!baseSpecCache) {
    const dir = tempDir('spec');
    const r = spawnSync(REAL_RUNC, ['spec', '--bundle', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${REAL_RUNC} spec failed: ${r.stderr || r.error?.message}`);
    baseSpecCache = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  }
  return structuredClone(baseSpecCache);
}

/**
 * makeBusyboxBundle({ args, ...specOverrides }) -> { dir, rootfs, configPath, spec, write(spec) }
 * args default to ['sh']; process.terminal is false; overrides are deep-merged into the spec
 * (see deepMerge). The bundle is removed by the next cleanupAll (registerCleanup).
 */
export function makeBusyboxBundle({ args = ['sh'], ...overrides } = {}) {
  const src = pristineRootfs();
  const dir = trackTempDir(tempDir('bundle'));
  const rootfs = join(dir, 'rootfs');
  const cp = spawnSync('cp', ['-a', src, rootfs], { encoding: 'utf8' });
  if (cp.status !== 0) throw new Error(`copy rootfs to ${rootfs}: ${cp.stderr}`);
  const spec = deepMerge(baseSpec(), { process: { terminal: false, args } }, overrides);
  const configPath = join(dir, 'config.json');
  const bundle = {
    dir,
    rootfs,
    configPath,
    spec,
    /** Write `s` (default: the bundle's current spec object) as config.json. */
    write(s = bundle.spec) {
      bundle.spec = s;
      writeFileSync(configPath, `${JSON.stringify(s, null, 2)}\n`);
      return bundle;
    },
  };
  return bundle.write(spec);
}
