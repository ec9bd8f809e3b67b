// CRI's log format as berth writes and reads it: F and P lines, long lines cut at 16 KiB, CR LF
// ends a line, an unended last line is P, and the shim-side writer's exit drain (what the container wrote last is logged
// even when the process exits at once).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const dist = join(import.meta.dirname, '..', 'dist', 'cri');
const { CriLogFile, CriLogWriter, parseCriLogLine, MAX_LOG_LINE } = require(join(dist, 'cri-log.js'));
const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (stdout|stderr) ([FP]) (.*)$/;

describe('CRI log lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cri-log-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('splits lines, marks partial pieces, and parses back', async () => {
    const file = join(dir, 'a.log');
    const f = new CriLogFile(file);
    const w = new CriLogWriter(f, 'stdout');
    const long = 'x'.repeat(MAX_LOG_LINE * 2 + 10);
    await new Promise((r) => { w.write(Buffer.from('a\nb')); w.write(Buffer.from(`b\r\n${long}\nend`)); w.end(r); });
    f.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const parsed = lines.map((l) => LINE.exec(l));
    assert.ok(parsed.every(Boolean), lines.join('\n'));
    assert.deepEqual(parsed.map((m) => [m[2], m[3], m[4].length]), [
      ['stdout', 'F', 1], ['stdout', 'F', 2], ['stdout', 'P', MAX_LOG_LINE], ['stdout', 'P', MAX_LOG_LINE], ['stdout', 'F', 10], ['stdout', 'P', 3],
    ]);
    assert.equal(parsed[1][4], 'bb', 'CR LF ends a line');
    const e = parseCriLogLine(Buffer.from(lines[2]));
    assert.equal(e.stream, 'stdout');
    assert.equal(e.partial, true);
    assert.ok(Math.abs(e.ms - Date.now()) < 60_000);
    assert.equal(parseCriLogLine(Buffer.from('not a log line')), undefined);
  });

  it('the shim-side writer logs what a process wrote last, though its owner exits at once', () => {
    const script = join(dir, 'child.js');
    writeFileSync(script, `
      const { spawnSync } = require('node:child_process');
      const { openCriLogStdio } = require(${JSON.stringify(join(dist, 'shim-cri-log.js'))});
      const io = openCriLogStdio({ kind: 'cri', path: process.argv[2], stdin: false, root: '' }, { stdin: '', stdout: process.argv[3], stderr: process.argv[4] });
      spawnSync('/bin/sh', ['-c', 'echo out; echo err >&2; printf partial'], { stdio: io.fds });
      for (const fd of io.fds) require('node:fs').closeSync(fd);
      process.exit(0);
    `);
    const log = join(dir, 'sub', 'c.log');
    const r = spawnSync(process.execPath, [script, log, join(dir, 'out.fifo'), join(dir, 'err.fifo')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const got = readFileSync(log, 'utf8').trimEnd().split('\n').map((l) => LINE.exec(l)).map((m) => `${m[2]} ${m[3]} ${m[4]}`).sort();
    assert.deepEqual(got, ['stderr F err', 'stdout F out', 'stdout P partial']);
  });
});

describe('parseSince (crictl logs --since, as docker GetTimestamp reads it)', () => {
  const { parseSince } = require('../dist/cri/container-logs.js');
  const now = Date.UTC(2026, 10, 26, 12, 0, 0);
  const local = (...a) => new Date(...a).getTime();

  it('takes Go durations before now', () => {
    assert.equal(parseSince('1h5m', now), now - 65 * 60_000);
    assert.equal(parseSince('1.5s', now), now - 1500);
    assert.equal(parseSince('300ms', now), now - 300);
  });

  it('takes RFC 3339 times, and dates and times without a zone as local time', () => {
    assert.equal(parseSince('2026-11-26T10:30:15.25Z', now), Date.UTC(2026, 10, 26, 10, 30, 15, 250));
    assert.equal(parseSince('2026-11-26T10:30:15+02:00', now), Date.UTC(2026, 10, 26, 8, 30, 15));
    assert.equal(parseSince('2026-11-26', now), local(2026, 10, 26));
    assert.equal(parseSince('2026-11-26T10', now), local(2026, 10, 26, 10));
    assert.equal(parseSince('2026-11-26T10:30:15', now), local(2026, 10, 26, 10, 30, 15));
  });

  it('takes Unix seconds ("0" is the epoch, not a zero duration)', () => {
    assert.equal(parseSince('1795707482', now), 1795707482000);
    assert.equal(parseSince('1795707482.5', now), 1795707482500);
    assert.equal(parseSince('0', now), 0);
  });

  it('refuses anything else in one message', () => {
    for (const bad of ['', 'abc', '5x', '2026-13-99x', '12:30']) assert.throws(() => parseSince(bad, now), /--since .*neither a duration/);
  });
});
