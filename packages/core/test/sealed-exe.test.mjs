// core/src/sys/sealed-exe.ts: an executable on a detached read-only bind mount, as exec's init
// stage runs from (its program's spawn window shows it as the executable).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const { sealedExecutable } = require('../dist/sys/sealed-exe.js');
const { closeFd } = require('../dist/sys/file.js');
const root = process.getuid?.() === 0 ? false : 'needs root (mount)';

describe('sealedExecutable', { skip: root }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-seal-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives an fd of the file on a read-only mount that is mounted nowhere', () => {
    const scratch = join(dir, '.exe.1');
    const before = readFileSync('/proc/self/mountinfo', 'utf8');
    const fd = sealedExecutable(process.execPath, scratch);
    assert.equal(typeof fd, 'number');
    try {
      assert.equal(existsSync(scratch), false, 'the scratch file is removed');
      assert.equal(readFileSync('/proc/self/mountinfo', 'utf8'), before, 'no mount left');
      // Detached: its path is its mount's root; writing through it is refused for good.
      assert.equal(readlinkSync(`/proc/self/fd/${fd}`), '/');
      assert.throws(() => openSync(`/proc/self/fd/${fd}`, 'r+'), /EROFS|ETXTBSY/);
      // It runs, and what it runs shows that as its executable.
      const r = spawnSync(`/proc/self/fd/${fd}`, ['-e', 'console.log(require("fs").readlinkSync("/proc/self/exe"))'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', fd] });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), '/');
      // The mount outlives neither: closing the fd frees it (nothing in mountinfo either way).
    } finally {
      closeFd(fd);
    }
  });

  it('answers undefined, leaving nothing, when it cannot be made', () => {
    assert.equal(sealedExecutable('/nonexistent/node', join(dir, '.exe.2')), undefined);
    assert.equal(existsSync(join(dir, '.exe.2')), false);
    assert.equal(sealedExecutable(process.execPath, join(dir, 'missing-dir', '.exe.3')), undefined);
  });
});
