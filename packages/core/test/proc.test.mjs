// core/src/sys/proc.ts: /proc/<pid>/stat parsed by its spaces (no split), a comm with spaces,
// parentheses and bytes that are not UTF-8 included; the kernel version check.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const { procStat, isSameProcess } = require('../dist/sys/proc.js');
const { kernelAtLeast } = require('../dist/sys/kernel.js');

/** The fields as the split of everything after comm gives them (the parse's oracle). */
function bySplit(pid) {
  const raw = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0], ppid: Number(rest[1]), startTime: Number(rest[19]) };
}

describe('procStat', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-proc-'));
  const children = [];
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads state, ppid and start time as a split would', () => {
    const st = procStat(process.pid);
    assert.deepEqual({ state: st.state, ppid: st.ppid, startTime: st.startTime }, bySplit(process.pid));
    assert.equal(st.ppid, process.ppid);
    assert.equal(st.state, 'R');
    assert.ok(isSameProcess(process.pid, st.startTime));
    assert.ok(!isSameProcess(process.pid, st.startTime + 1));
  });

  it('finds the fields after a comm holding spaces, ") " and other bytes', async () => {
    // comm is the executable's name (15 bytes at most): a copy of sleep named to mislead a parser,
    // its bytes made by printf (Node would encode a string's as UTF-8).
    const script = 'n=$(printf "a) b (\\342) 1 2"); cp /bin/sleep "$0/$n" && exec "$0/$n" 30';
    const child = spawn('/bin/sh', ['-c', script, dir], { stdio: 'ignore' });
    children.push(child);
    const comm = () => { try { return readFileSync(`/proc/${child.pid}/comm`, 'latin1'); } catch { return ''; } };
    for (let i = 0; i < 500 && (comm() !== 'a) b (\xe2) 1 2\n' || bySplit(child.pid).state !== 'S'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const st = procStat(child.pid);
    assert.deepEqual({ state: st.state, ppid: st.ppid, startTime: st.startTime }, bySplit(child.pid));
    assert.equal(st.ppid, process.pid);
    assert.equal(st.state, 'S');
    assert.equal(comm(), 'a) b (\xe2) 1 2\n'); // the name was the one meant
  });

  it('is undefined for a pid that does not exist', () => {
    assert.equal(procStat(0x3fffff + 1), undefined);
  });
});

describe('kernelAtLeast', () => {
  it('compares with the running release', () => {
    const [major, minor] = readFileSync('/proc/sys/kernel/osrelease', 'utf8').split('.').map(Number);
    assert.ok(kernelAtLeast(major, minor));
    assert.ok(kernelAtLeast(major - 1, 99));
    assert.ok(!kernelAtLeast(major, minor + 1));
    assert.ok(!kernelAtLeast(major + 1, 0));
  });
});
