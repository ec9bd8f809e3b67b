// berth's runc: OCI hooks (order, stdin state, failure), the console socket, --preserve-fds and
// --no-pivot. Hook tests also run Debian's runc as a control, so an expectation that real runc
// does not meet is the test's fault, not berth's.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  REPO_ROOT, assertNoLeaks, childEnv, registerCleanup, tempDir, trackPid, untrackContainer,
} from '../lib/index.mjs';
import {
  BERTH, REAL_RUNC, runtime, rwBundle, skipUnlessRealRunc, skipUnlessRoot, spawnWithFds, waitFor,
} from './helpers.mjs';
import { defineHookTests } from './hooks-lib.mjs';

const RECVTTY = join(REPO_ROOT, 'test/tools/recvtty.mjs');

defineHookTests('real runc (control)', REAL_RUNC, skipUnlessRealRunc);
defineHookTests('berth', BERTH, skipUnlessRoot, ['order-run', 'order-create-start']);
// berth's failing-hook test is in known-failing.test.mjs.txt (its error is sometimes printed twice).

describe('terminal, fds, no-pivot', { skip: skipUnlessRoot }, () => {
  registerCleanup();
  const rt = runtime();

  it('--console-socket hands the pty master to recvtty', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sh', '-c', 'echo hello-tty; tty; stty size'], {
      process: { terminal: true, consoleSize: { height: 30, width: 100 } },
    });
    const dir = tempDir('tty');
    const sock = join(dir, 'console.sock');
    const out = join(dir, 'out');
    const outFd = openSync(out, 'w');
    const recv = spawn(process.execPath, [RECVTTY, '--no-stdin', '--mode', 'single', sock], {
      env: childEnv(), stdio: ['ignore', outFd, 'inherit'],
    });
    closeSync(outFd);
    trackPid(recv.pid);
    const exited = new Promise((resolve) => recv.on('exit', (code) => resolve(code)));
    t.after(() => { try { recv.kill('SIGKILL'); } catch { /* gone */ } });
    await waitFor(() => existsSync(sock), 'console socket');
    const id = await rt.detach(b, { extra: ['--console-socket', sock] });
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000))]);
    assert.equal(code, 0, `recvtty: ${code}`);
    const text = readFileSync(out, 'utf8').replace(/\r/g, '');
    assert.match(text, /^hello-tty$/m);
    assert.match(text, /^\/dev\/pts\/\d+$/m);
    assert.match(text, /^30 100$/m);
    await rt.remove(id);
    assertNoLeaks();
  });

  it('--console-socket is required for a terminal with -d', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['true'], { process: { terminal: true } });
    const id = rt.newId();
    const r = await rt.run(['run', '-d', '--bundle', b.dir, id], { stdio: 'files' });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /cannot allocate tty if runc will detach without setting console socket/);
    untrackContainer(id, rt.root);
    assertNoLeaks();
  });

  it('--preserve-fds passes extra descriptors to the container', async (t) => {
    registerCleanup(t);
    // `[ -e ]` is a shell builtin: listing the fds this way opens none of its own.
    const b = rwBundle(['sh', '-c', 'echo via-fd3 >&3; for f in $(seq 0 64); do [ -e /proc/$$/fd/$f ] && echo $f; done; true']);
    const dir = tempDir('fds');
    const file = join(dir, 'fd3');
    const fd = openSync(file, 'w');
    const id = rt.newId();
    const r = await spawnWithFds(BERTH, ['--root', rt.root, 'run', '--preserve-fds', '1', '--bundle', b.dir, id], [fd]);
    closeSync(fd);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(file, 'utf8'), 'via-fd3\n');
    assert.equal(r.stdout, '0\n1\n2\n3\n', 'fd 3 only, nothing else leaked');
    untrackContainer(id, rt.root);
    // Without the flag the fd is not passed.
    const fd2 = openSync(file, 'w');
    const id2 = rt.newId();
    const r2 = await spawnWithFds(BERTH, ['--root', rt.root, 'run', '--bundle', b.dir, id2], [fd2]);
    closeSync(fd2);
    assert.equal(r2.stdout, '0\n1\n2\n', 'fd 3 must not be inherited without --preserve-fds');
    assert.match(r2.stderr, /3: Bad file descriptor|can't create/i);
    assert.equal(readFileSync(file, 'utf8'), '');
    untrackContainer(id2, rt.root);
    assertNoLeaks();
  });

  it('--no-pivot runs the container with the bundle rootfs as /', async (t) => {
    registerCleanup(t);
    const b = rwBundle(['sh', '-c', 'cat /etc/hostname; ls /']);
    const id = rt.newId();
    const r = await rt.run(['run', '--no-pivot', '--bundle', b.dir, id]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[0], 'berth');
    assert.deepEqual(r.stdout.split('\n').slice(1).filter(Boolean).sort(), readdirSync(b.rootfs).sort());
    untrackContainer(id, rt.root);
    assertNoLeaks();
  });
});
