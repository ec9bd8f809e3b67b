// core/src/sys/spawn.ts: posix_spawn of a Node script with a socket at its fd 3, waited for on
// SIGCHLD (libuv does not know the child): exit codes and signals as ChildProcess reports them,
// stdio inherited or /dev/null, signals at their defaults, setsid, no hold on the event loop until ref().
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const { spawnWithSocket } = require('../dist/sys/spawn.js');
const spawnModule = require.resolve('../dist/sys/spawn.js');

const exited = (child) => new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

describe('spawnWithSocket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-spawn-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const script = (name, text) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('talks over fd 3 and reports the exit code', async () => {
    // Answers the line it reads with its environment and its signal dispositions.
    const file = script('echo.js', `
      const net = require('node:net');
      const s = new net.Socket({ fd: 3, readable: true, writable: true });
      s.setEncoding('utf8');
      s.once('data', (line) => {
        const fs = require('node:fs');
        const status = fs.readFileSync('/proc/self/status', 'utf8');
        const session = Number(fs.readFileSync('/proc/self/stat', 'utf8').replace(/^.*\\) /s, '').split(' ')[3]);
        const answer = { line, env: process.env.BERTH_SPAWN_TEST, unset: 'UNSET' in process.env, status, session, pid: process.pid };
        s.end(JSON.stringify(answer) + '\\n', () => process.exit(7));
      });`);
    const child = spawnWithSocket([file], { PATH: '/usr/bin:/bin', BERTH_SPAWN_TEST: 'yes', UNSET: undefined }, 'null', { setsid: true });
    assert.ok(child.pid > 0);
    child.ref();
    const sock = child.stdio[3];
    sock.setEncoding('utf8');
    let got = '';
    sock.on('data', (d) => { got += d; });
    sock.write('hello\n');
    const { code, signal } = await exited(child);
    assert.deepEqual({ code, signal }, { code: 7, signal: null });
    assert.equal(child.exitCode, 7);
    await new Promise((r) => (sock.destroyed ? r() : sock.once('close', r)));
    const answer = JSON.parse(got);
    assert.equal(answer.line, 'hello\n');
    assert.equal(answer.env, 'yes');
    assert.equal(answer.unset, false, 'an undefined variable is left out');
    assert.equal(answer.session, answer.pid, 'setsid: a session of its own');
    // Node ignores SIGPIPE and SIGXFSZ for itself; nothing else is ignored or blocked, glibc's
    // own signals (32, 33) included, as in a libuv child.
    assert.match(answer.status, /^SigIgn:\s+0000000001001000$/m);
    assert.match(answer.status, /^SigBlk:\s+0{16}$/m);
    assert.equal(child.kill('SIGKILL'), false, 'a reaped child is not signalled');
  });

  it('reports the signal that killed it', async () => {
    const file = script('sleep.js', 'setTimeout(() => undefined, 60_000);');
    const child = spawnWithSocket([file], { PATH: '/usr/bin:/bin' }, 'null');
    child.ref();
    assert.equal(child.kill('SIGTERM'), true);
    assert.deepEqual(await exited(child), { code: null, signal: 'SIGTERM' });
    assert.equal(child.signalCode, 'SIGTERM');
  });

  it('names a signal by its first name, and reports one Node has no name for as 128+n', async () => {
    const file = script('wait.js', 'setTimeout(() => undefined, 60_000);');
    const abrt = spawnWithSocket([file], { PATH: '/usr/bin:/bin' }, 'null');
    abrt.ref();
    const started = (c) => new Promise((r) => setTimeout(r, 300)).then(() => c); // past Node's own start-up
    await started(abrt);
    abrt.kill('SIGABRT');
    assert.deepEqual(await exited(abrt), { code: null, signal: 'SIGABRT' }, 'not its alias SIGIOT');
    const rt = spawnWithSocket([file], { PATH: '/usr/bin:/bin' }, 'null');
    rt.ref();
    await started(rt);
    rt.kill(40); // a real-time signal: Node has no name for it
    assert.deepEqual(await exited(rt), { code: 168, signal: null });
  });

  it('inherits our fds 0-2 (Node keeps them close-on-exec), or gives /dev/null', () => {
    // In a process of its own, whose stdout is a file: the child writes to it too.
    const out = join(dir, 'out.txt');
    const file = script('hello.js', "process.stdout.write('from the child\\n');");
    const parent = script('parent.js', `
      const { spawnWithSocket } = require(${JSON.stringify(spawnModule)});
      for (const stdio of ['inherit', 'null']) {
        const child = spawnWithSocket([${JSON.stringify(file)}], { PATH: '/usr/bin:/bin' }, stdio);
        child.ref();
        child.once('exit', () => undefined);
      }`);
    const r = spawnSync(process.execPath, [parent], { stdio: ['ignore', 'pipe', 'inherit'] });
    assert.equal(r.status, 0);
    writeFileSync(out, r.stdout);
    assert.equal(readFileSync(out, 'utf8'), 'from the child\n', 'one line: the inheriting child\'s');
  });

  it('does not keep its parent alive until ref(), and does after', () => {
    const file = script('slow.js', 'setTimeout(() => undefined, 1500);');
    const parent = (ref) => script(`parent-${ref}.js`, `
      const { spawnWithSocket } = require(${JSON.stringify(spawnModule)});
      const child = spawnWithSocket([${JSON.stringify(file)}], { PATH: '/usr/bin:/bin' }, 'null');
      ${ref ? "child.ref(); child.once('exit', (c) => console.log('exit', c));" : ''}
      console.log('pid', child.pid);`);
    const t0 = Date.now();
    const detached = spawnSync(process.execPath, [parent(false)], { encoding: 'utf8' });
    assert.equal(detached.status, 0);
    assert.ok(Date.now() - t0 < 1400, 'the parent did not wait for its child');
    assert.match(detached.stdout, /^pid \d+$/m); // orphaned, it ends on its own
    const waited = spawnSync(process.execPath, [parent(true)], { encoding: 'utf8' });
    assert.match(waited.stdout, /^exit 0$/m);
  });
});

describe('SyncChannel', () => {
  const { SyncChannel } = require('../dist/runtime/sync.js');
  const { socketpair } = require('../dist/sys/socket.js');
  const { closeFd } = require('../dist/sys/file.js');

  it('decodes a line whole when a UTF-8 character straddles two reads', async () => {
    const [ours, theirs] = socketpair();
    // A writer that sends a message in two parts, the cut inside a two-byte character, 100 ms apart.
    const { spawn } = await import('node:child_process');
    const writer = spawn(process.execPath, ['-e', `
      const fs = require('node:fs');
      const data = Buffer.from(JSON.stringify({ type: 'error', message: 'été' }) + '\\n');
      const cut = data.indexOf(0xc3) + 1;
      fs.writeSync(3, data.subarray(0, cut));
      setTimeout(() => fs.writeSync(3, data.subarray(cut)), 100);`], { stdio: ['ignore', 'ignore', 'inherit', theirs] });
    closeFd(theirs);
    try {
      const ch = new SyncChannel(ours);
      assert.deepEqual(ch.receive(), { type: 'error', message: 'été' });
    } finally {
      closeFd(ours);
      await new Promise((r) => (writer.exitCode !== null ? r() : writer.once('exit', r)));
    }
  });
});
