// The pull/GC lock: garbage collection (exclusive) and pulls (shared) exclude each other across processes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const lib = join(import.meta.dirname, '..', 'dist', 'services', 'gc-lock.js');
const root = mkdtempSync(join(tmpdir(), 'berth-gclock-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A child that takes the lock, says "locked" with the time waited, holds it `holdMs`, exits. */
function holder(exclusive, holdMs) {
  const code = `const t=Date.now(); const r=require(${JSON.stringify(lib)}).takeGcLock(${JSON.stringify(root)}, ${exclusive});
    process.stdout.write('locked ' + (Date.now()-t) + '\\n'); setTimeout(() => { r(); process.exit(0); }, ${holdMs});`;
  const p = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const locked = new Promise((resolve) => p.stdout.on('data', (d) => resolve(Number(String(d).split(' ')[1]))));
  const exited = new Promise((resolve) => p.on('exit', resolve));
  return { locked, exited };
}

describe('pull/GC lock', () => {
  it('a pull waits for a running garbage collection, and pulls share the lock', async () => {
    const gc = holder(true, 400);
    await gc.locked;
    const pull = holder(false, 50);
    assert.ok((await pull.locked) >= 250, 'the shared taker waited for the exclusive holder');
    await Promise.all([gc.exited, pull.exited]);
    const a = holder(false, 300);
    await a.locked;
    const b = holder(false, 10);
    assert.ok((await b.locked) < 200, 'two shared takers do not wait for each other');
    await Promise.all([a.exited, b.exited]);
  });
});
