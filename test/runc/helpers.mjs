// Shared helpers for the runc end-to-end tests: a runc call bound to a --root, detached
// containers that clean up after themselves, polling, and cgroup file lookup by pid.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  REAL_RUNC, binPath, childEnv, deepMerge, makeBusyboxBundle, parseJson, runBin, tempDir,
  trackContainer, trackPid, uniqueId,
  untrackContainer, assertNoLeaks,
} from '../lib/index.mjs';

// BERTH_TEST_RUNC=/usr/sbin/runc runs the berth suites against another runc, to check the tests.
export const BERTH = process.env.BERTH_TEST_RUNC || 'runc';
export { REAL_RUNC };

export const skipUnlessRoot = process.getuid?.() !== 0 ? 'needs root' : false;
export const skipUnlessRealRunc = skipUnlessRoot || (!existsSync(REAL_RUNC) ? `no ${REAL_RUNC}` : false);

/** A runc (berth's by default) bound to a fresh --root directory. */
export function runtime(tool = BERTH, label = 'runc-root') {
  const root = tempDir(label);
  const rt = {
    tool,
    root,
    run: (args, opts) => runBin(tool, ['--root', root, ...args], opts),
    /** `runc state` parsed; throws with the output when it fails. */
    async state(id) {
      const r = await rt.run(['state', id]);
      assert.equal(r.code, 0, `state ${id}: ${r.stderr}`);
      return parseJson(r);
    },
    /** A fresh id, registered so the file's cleanup deletes it whatever happens. */
    newId() {
      return trackContainer({ tool, root, id: uniqueId() });
    },
    /** `run -d` (or `create` with create: true); asserts success; returns the id. */
    async detach(bundle, { create = false, id = rt.newId(), extra = [] } = {}) {
      const args = create ? ['create', ...extra, '--bundle', bundle.dir, id] : ['run', '-d', ...extra, '--bundle', bundle.dir, id];
      const r = await rt.run(args, { stdio: 'files' });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      return id;
    },
    /** delete -f, asserting it worked, and forget the container. */
    async remove(id) {
      const r = await rt.run(['delete', '-f', id]);
      assert.equal(r.code, 0, `delete -f ${id}: ${r.stderr}`);
      untrackContainer(id, root);
    },
    /** exec in a container; returns the runBin result. */
    exec: (id, args, opts) => rt.run(['exec', id, ...args], opts),
  };
  return rt;
}

/** Poll `fn` (sync or async) until it returns a truthy value; fail with `what` after `ms`. */
export async function waitFor(fn, what, ms = 5000, every = 25) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function readOr(path, fallback = null) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** Parsed mountinfo lines of the host's cgroup hierarchies: { mountPoint, fstype, superOpts }. */
function cgroupHierarchies() {
  const out = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    const sep = f.indexOf('-', 6);
    if (sep < 0) continue;
    const fstype = f[sep + 1];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    out.push({ mountPoint: f[4], fstype, superOpts: (f[sep + 3] ?? '').split(',') });
  }
  return out;
}

/**
 * The host path of `file` in the cgroup of `pid` for `controller` (v1), or in its unified
 * cgroup when the controller lives on cgroup v2. Null when neither hierarchy has it.
 */
export function cgroupFile(pid, controller, file) {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').filter(Boolean);
  const hier = cgroupHierarchies();
  for (const l of lines) {
    const [, ctrls, path] = l.match(/^\d+:([^:]*):(.*)$/) ?? [];
    if (ctrls === undefined || !ctrls.split(',').includes(controller)) continue;
    const m = hier.find((h) => h.fstype === 'cgroup' && h.superOpts.includes(controller));
    if (m) return join(m.mountPoint, path, file);
  }
  const v2 = lines.find((l) => l.startsWith('0::'));
  const u = hier.find((h) => h.fstype === 'cgroup2');
  if (v2 && u) {
    const p = join(u.mountPoint, v2.slice(3), file);
    if (existsSync(p)) return p;
  }
  return null;
}

/**
 * Spawn runc with extra file descriptors (3, 4, ...) for --preserve-fds; stdout/stderr piped.
 * Resolves { code, signal, stdout, stderr }.
 */
export function spawnWithFds(tool, args, extraFds, { timeout = 20_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(binPath(tool), args, { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe', ...extraFds] });
    if (child.pid) trackPid(child.pid);
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

/** Does a state directory for `id` exist under `root` (runc keeps <root>/<id>). */
export function stateDirExists(root, id) {
  return existsSync(join(root, id));
}

/**
 * A busybox bundle whose rootfs is writable (`runc spec` makes root.readonly true), so the
 * container can leave files for the test to read on the host.
 */
export function rwBundle(args, overrides = {}) {
  return makeBusyboxBundle({ args, ...deepMerge({ root: { readonly: false } }, overrides) });
}

/** runc logs errors logfmt-style (`msg="exec: \"nope\": ..."`): match `text` with either quoting. */
export function logMsg(text) {
  const esc = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/"/g, '\\\\?"');
  return new RegExp(esc);
}

/** Run `bundle` in the foreground; the result, with the container forgotten (run deletes it). */
export async function runIn(rt, bundle, opts) {
  const id = rt.newId();
  const r = await rt.run(['run', '--bundle', bundle.dir, id], opts);
  untrackContainer(id, rt.root);
  return r;
}

/** runc's error line: `time=... level=error msg="..."`. One line, matching `re`. */
export function assertOneLineError(r, re) {
  assert.notEqual(r.code, 0, `expected a failure, got exit 0: ${r.stdout}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one error line expected:\n${r.stderr}`);
  assert.match(lines[0], /level=error msg=/);
  assert.match(lines[0], re);
}

/** `create` of a broken bundle with runtime `rt`: fails as `re` says and leaves nothing. */
export async function createFails(rt, b, re, id = rt.newId()) {
  const r = await rt.run(['create', '--bundle', b.dir, id], { stdio: 'files' });
  assertOneLineError(r, re);
  assert.equal(stateDirExists(rt.root, id), false, `state dir left for ${id}`);
  untrackContainer(id, rt.root);
  assertNoLeaks();
  return r;
}

/** A writable `sleep 1000` bundle whose spec `mutate` edits. */
export function editedBundle(mutate) {
  const b = rwBundle(['sleep', '1000']);
  mutate(b.spec);
  b.write();
  return b;
}

/** SIGKILL the container, wait until it is stopped, delete it (each step asserted) and forget it. */
export async function killAndDelete(rt, id) {
  const k = await rt.run(['kill', id, 'KILL']);
  assert.equal(k.code, 0, k.stderr);
  await waitFor(async () => (await rt.state(id)).status === 'stopped', 'stopped');
  const d = await rt.run(['delete', id]);
  assert.equal(d.code, 0, d.stderr);
  untrackContainer(id, rt.root);
}
