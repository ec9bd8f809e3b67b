// runc's --log and --log-format, against Debian's runc: the file is made before any command
// runs (containerd's shim reads it after every failed call), a failure is one logrus record in
// it (text or JSON) with the bare message on stderr, and a read-only stdout (the shim's /dev/null
// for --null-io) does not fail a command that prints nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { binPath, registerCleanup, tempDir } from '../lib/index.mjs';
import { BERTH, REAL_RUNC, runtime, skipUnlessRealRunc } from './helpers.mjs';

const TOOLS = { real: REAL_RUNC, berth: BERTH };

describe('runc --log and --log-format', { skip: skipUnlessRealRunc }, () => {
  registerCleanup();
  const rts = { real: runtime(REAL_RUNC, 'log-real'), berth: runtime(BERTH, 'log-berth') };

  it('the log file exists after a command that logged nothing', async () => {
    for (const k of Object.keys(TOOLS)) {
      const log = join(tempDir(`log-${k}`), 'log.json');
      const r = await rts[k].run(['--log', log, '--log-format', 'json', 'list', '-q']);
      assert.equal(r.code, 0, `${k}: ${r.stderr}`);
      assert.equal(existsSync(log), true, `${k} made no ${log}`);
    }
  });

  it('a failure is one JSON record in the log and the bare message on stderr', async () => {
    const got = {};
    for (const k of Object.keys(TOOLS)) {
      const log = join(tempDir(`log-${k}`), 'log.json');
      const r = await rts[k].run(['--log', log, '--log-format', 'json', 'state', 'no-such-container']);
      assert.equal(r.code, 1, k);
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      assert.equal(lines.length, 1, `${k}: ${lines.join('\n')}`);
      got[k] = { record: JSON.parse(lines[0]), stderr: r.stderr };
    }
    assert.deepEqual(Object.keys(got.berth.record).sort(), Object.keys(got.real.record).sort());
    assert.equal(got.berth.record.level, 'error');
    // berth names the container where runc says "container does not exist" (README: errors).
    assert.equal(got.real.record.msg, 'container does not exist');
    assert.equal(got.berth.record.msg, 'container no-such-container does not exist');
    for (const k of Object.keys(TOOLS)) assert.equal(got[k].stderr, `${got[k].record.msg}\n`, k);
  });

  it('text format: one logrus line in the log', async () => {
    const log = join(tempDir('log-text'), 'log.txt');
    const r = await rts.berth.run(['--log', log, 'state', 'no-such-container']);
    assert.equal(r.code, 1);
    assert.match(readFileSync(log, 'utf8'), /^time="[^"]+" level=error msg="container no-such-container does not exist"\n$/);
  });

  it('stdout opened read-only: a command that prints nothing still succeeds', () => {
    const ro = openSync('/dev/null', 'r');
    try {
      for (const k of Object.keys(TOOLS)) {
        // `kill` of a missing container fails either way; `delete --force` of one succeeds quietly.
        const r = spawnSync(binPath(TOOLS[k]), ['--root', rts[k].root, 'delete', '--force', 'no-such-container'], { stdio: [ro, ro, 'pipe'], encoding: 'utf8' });
        assert.equal(r.status, 0, `${k}: ${r.stderr}`);
      }
    } finally {
      closeSync(ro);
    }
  });
});
