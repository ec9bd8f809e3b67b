// The pull/GC lock: garbage collection (exclusive) and pulls (shared) exclude each other across
// processes. Asserted by order, never by durations: each child stamps its own events with the
// system-wide monotonic clock, and a waiter is seen blocked in the kernel (/proc/locks) before
// the holder is told to let go — so a slow machine makes the test slower, never wrong.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const dist = join(import.meta.dirname, '..', 'dist');
const { takeGcLock } = await import(join(dist, 'services', 'gc-lock.js'));
const { gcLockPath } = await import(join(dist, 'layout.js'));
const root = mkdtempSync(join(tmpdir(), 'berth-gclock-'));
const children = new Set();
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

// The child prints "<event> <monotonic ns>" for trying, locked and releasing; it lets go of the
// lock when told "release" on stdin. process.hrtime is CLOCK_MONOTONIC: comparable across processes.
const CHILD = `
const stamp = (ev) => process.stdout.write(ev + ' ' + process.hrtime.bigint() + '\\n');
const { takeGcLock } = require(process.argv[1]);
stamp('trying');
const release = takeGcLock(process.argv[2], process.argv[3] === 'exclusive');
stamp('locked');
process.stdin.setEncoding('utf8');
process.stdin.on('data', () => { stamp('releasing'); release(); process.exit(0); });
`;

/** A child process taking the lock; `at(ev)` resolves to the child's stamp of that event. */
function holder(mode) {
  const p = spawn(process.execPath, ['-e', CHILD, join(dist, 'services', 'gc-lock.js'), root, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(p);
  const waiters = new Map();
  const seen = new Map();
  // 'close', not 'exit': every line the child wrote has been read by then.
  const exited = new Promise((resolve) => p.on('close', (code) => resolve(code)));
  let buf = '';
  p.stdout.setEncoding('utf8');
  p.stdout.on('data', (d) => {
    buf += d;
    for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) {
      const [ev, t] = buf.slice(0, i).split(' ');
      seen.set(ev, BigInt(t));
      waiters.get(ev)?.forEach((w) => w(BigInt(t)));
    }
  });
  const at = (ev) => (seen.has(ev) ? Promise.resolve(seen.get(ev)) : new Promise((resolve, reject) => {
    const list = waiters.get(ev) ?? [];
    list.push(resolve);
    waiters.set(ev, list);
    exited.then((code) => reject(new Error(`lock holder (${mode}) exited with ${code} before "${ev}"`)));
  }));
  return {
    pid: p.pid,
    at,
    /** Whether the event happened yet (as far as this process has read). */
    has: (ev) => seen.has(ev),
    release: async () => {
      p.stdin.end('release\n');
      assert.equal(await exited, 0);
    },
    exited,
  };
}

/** Polls /proc/locks until `pid` is queued on the lock file (a "->" line): it is blocked in flock. */
async function blockedInFlock(pid, child) {
  const { ino } = statSync(gcLockPath(root));
  const re = new RegExp(`^\\d+: -> FLOCK\\s+ADVISORY\\s+\\w+\\s+${pid}\\s+[0-9a-f]+:[0-9a-f]+:${ino}\\s`, 'm');
  for (;;) {
    if (re.test(readFileSync('/proc/locks', 'utf8'))) return;
    assert.ok(!child.has('locked'), `pid ${pid} took the lock instead of waiting for it`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('pull/GC lock', { timeout: 120_000 }, () => {
  it('a pull waits for a running garbage collection: it gets the lock only after the collector let go', async () => {
    const gc = holder('exclusive');
    await gc.at('locked');
    const pull = holder('shared');
    await pull.at('trying');
    await blockedInFlock(pull.pid, pull);
    assert.equal(pull.has('locked'), false);
    await gc.release();
    const [released, locked] = [await gc.at('releasing'), await pull.at('locked')];
    assert.ok(locked > released, 'the shared taker got the lock after the exclusive holder released it');
    await pull.release();
  });

  it('a garbage collection waits for a running pull', async () => {
    const pull = holder('shared');
    await pull.at('locked');
    const gc = holder('exclusive');
    await gc.at('trying');
    await blockedInFlock(gc.pid, gc);
    assert.equal(gc.has('locked'), false);
    await pull.release();
    assert.ok((await gc.at('locked')) > (await pull.at('releasing')), 'the collector got the lock after the pull released it');
    await gc.release();
  });

  it('pulls share the lock: a second one gets it while the first still holds it', async () => {
    const a = holder('shared');
    await a.at('locked');
    const b = holder('shared');
    // a is told to let go only after b holds the lock: a wait here would never end (test timeout).
    await b.at('locked');
    assert.equal(a.has('releasing'), false);
    await Promise.all([a.release(), b.release()]);
    assert.ok((await b.at('locked')) < (await a.at('releasing')));
  });

  it('the lock is the kernel\'s: a holder killed without releasing frees it', async () => {
    const gc = holder('exclusive');
    await gc.at('locked');
    const pull = holder('shared');
    await pull.at('trying');
    await blockedInFlock(pull.pid, pull);
    process.kill(gc.pid, 'SIGKILL');
    await gc.exited;
    await pull.at('locked');
    await pull.release();
    // And in this process too: taken and released without waiting on anyone left.
    takeGcLock(root, true)();
  });
});
