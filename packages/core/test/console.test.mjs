// Terminals: fd passing, ptys, the console-socket protocol and the relay.
// Build first: cd /work/main && npx tsc -b packages/core
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '../dist');
const repo = path.resolve(here, '../../..');
const socket = require(path.join(dist, 'sys/socket.js'));
const pty = require(path.join(dist, 'sys/pty.js'));
const libc = require(path.join(dist, 'sys/libc.js'));
const consoleMod = require(path.join(dist, 'runtime/console.js'));
const { BerthError, InvalidArgumentError } = require(path.join(dist, 'errors.js'));

const F_GETFD = 1;
const FD_CLOEXEC = 1;

function pipe() {
  const fds = Buffer.alloc(8);
  libc.call('int pipe2(void *, int)', 'pipe2', undefined, fds, 0o2000000);
  return [fds.readInt32LE(0), fds.readInt32LE(4)];
}

function cloexec(fd) {
  return (libc.call('int fcntl(int, int, int)', 'fcntl', undefined, fd, F_GETFD, 0) & FD_CLOEXEC) !== 0;
}

function collector() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => { text += d; });
  return { out, text: () => text };
}

function waitExit(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

test('sendFd/recvFd pass a pipe fd and its name over a socketpair', () => {
  const [a, b] = socket.socketpair();
  const [r, w] = pipe();
  socket.sendFd(a, w, '/some/pipe');
  const got = socket.recvFd(b);
  assert.equal(got.name, '/some/pipe');
  assert.notEqual(got.fd, w);
  assert.ok(cloexec(got.fd), 'received fd is close-on-exec');
  fs.writeSync(got.fd, 'through the passed fd');
  const buf = Buffer.alloc(64);
  const n = fs.readSync(r, buf);
  assert.equal(buf.toString('utf8', 0, n), 'through the passed fd');
  for (const fd of [got.fd, r, w, a, b]) socket.closeFd(fd);
});

test('recvFd reports a peer that closes without sending; sendFd needs a name', () => {
  const [a, b] = socket.socketpair();
  assert.throws(() => socket.sendFd(a, b, ''), InvalidArgumentError);
  socket.closeFd(a);
  assert.throws(() => socket.recvFd(b), (err) => err instanceof BerthError && /closed the socket/.test(err.message));
  socket.closeFd(b);
});

test('recvFd rejects a message that carries no fd', () => {
  const [a, b] = socket.socketpair();
  fs.writeSync(a, 'no fd here');
  assert.throws(() => socket.recvFd(b), /expected 1 file descriptor, got 0/);
  socket.closeFd(a);
  socket.closeFd(b);
});

test('unixListen/unixConnect/accept carry an fd between two sockets on a path', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sock-'));
  const p = path.join(dir, 's.sock');
  try {
    const l = socket.unixListen(p);
    assert.ok(fs.statSync(p).isSocket());
    const c = socket.unixConnect(p);
    const s = socket.accept(l);
    const [r, w] = pipe();
    socket.sendFd(c, r, 'reader');
    const got = socket.recvFd(s);
    assert.equal(got.name, 'reader');
    fs.writeSync(w, 'x');
    const buf = Buffer.alloc(4);
    assert.equal(fs.readSync(got.fd, buf), 1);
    for (const fd of [got.fd, r, w, c, s, l]) socket.closeFd(fd);
    assert.throws(() => socket.unixConnect(path.join(dir, 'absent.sock')), /ENOENT|no such file/);
    assert.throws(() => socket.unixListen(`/${'x'.repeat(120)}`), InvalidArgumentError);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('cmsg sizes match x86_64 CMSG_LEN/CMSG_SPACE', () => {
  assert.equal(socket.cmsgLen(4), 20);
  assert.equal(socket.cmsgSpace(4), 24);
  assert.equal(socket.cmsgSpace(8), 24);
  assert.equal(socket.cmsgSpace(12), 32);
});

test('openPty: slave writes come out of the master; size, ONLCR and isTerminal', () => {
  const p = pty.openPty();
  assert.match(p.slavePath, /^\/dev\/pts\/\d+$/);
  assert.ok(fs.statSync(p.slavePath).isCharacterDevice());
  assert.ok(pty.isTerminal(p.master) && pty.isTerminal(p.slave));
  const [r, w] = pipe();
  assert.equal(pty.isTerminal(r), false);
  socket.closeFd(r);
  socket.closeFd(w);
  assert.ok(cloexec(p.master) && cloexec(p.slave));

  fs.writeSync(p.slave, 'hello\n');
  const buf = Buffer.alloc(64);
  let n = fs.readSync(p.master, buf);
  assert.equal(buf.toString('utf8', 0, n), 'hello\r\n', 'ONLCR is on by default');
  pty.clearOnlcr(p.master);
  fs.writeSync(p.slave, 'plain\n');
  n = fs.readSync(p.master, buf);
  assert.equal(buf.toString('utf8', 0, n), 'plain\n');

  pty.setWinsize(p.master, 42, 132);
  assert.deepEqual(pty.getWinsize(p.slave), { rows: 42, cols: 132, xpixel: 0, ypixel: 0 });
  assert.throws(() => pty.setWinsize(p.master, 70000, 1), InvalidArgumentError);
  socket.closeFd(p.master);
  socket.closeFd(p.slave);
});

// The child plays the init stage: console setup on an inherited socket, then execve.
const CHILD = `
const path = require('node:path');
const fs = require('node:fs');
const dist = process.argv[1];
const { setupConsoleInContainer } = require(path.join(dist, 'runtime/console.js'));
const { execve } = require(path.join(dist, 'sys/exec.js'));
const { slavePath } = setupConsoleInContainer(3, { height: 25, width: 91 });
const ttyNr = Number(fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[4]);
const fd3 = fs.existsSync('/proc/self/fd/3');
execve('/bin/sh', ['sh', '-c',
  'read line; echo "slave=$1 ttynr=$2 fd3=$3"; tty; stty size; exec 9</dev/tty && echo ctty-ok; echo "got:$line"',
  'sh', slavePath, String(ttyNr), String(fd3)], ['PATH=/usr/bin:/bin']);
`;

test('setupConsoleInContainer in a child: the parent receives the master and relays it', async () => {
  const [ours, theirs] = socket.socketpair();
  const child = spawn(process.execPath, ['-e', CHILD, dist], { stdio: ['ignore', 'inherit', 'inherit', theirs] });
  socket.closeFd(theirs); // so a child that dies early makes recvmsg return EOF, not hang
  let master;
  try {
    master = consoleMod.receiveConsole(ours);
  } finally {
    socket.closeFd(ours);
  }
  assert.ok(pty.isTerminal(master));
  // The size set inside the child is the pty's size, readable from the master.
  assert.deepEqual(pty.getWinsize(master), { rows: 25, cols: 91, xpixel: 0, ypixel: 0 });
  const input = new PassThrough();
  const { out, text } = collector();
  const relay = consoleMod.relayTerminal(master, { stdin: input, stdout: out, sizeFrom: [] });
  input.write('hello relay\n');
  await relay;
  const code = await waitExit(child);
  assert.equal(code, 0);
  const lines = text().split('\n');
  const info = lines.find((l) => l.startsWith('slave='));
  assert.ok(info, `output: ${JSON.stringify(text())}`);
  const [, slavePath, ttyNr, fd3] = /^slave=(\S+) ttynr=(\d+) fd3=(\S+)$/.exec(info);
  assert.notEqual(Number(ttyNr), 0, 'the slave is the controlling terminal');
  assert.equal(fd3, 'false', 'the console socket is closed in the container');
  assert.ok(lines.includes(slavePath), `tty printed ${slavePath}`);
  assert.ok(lines.includes('25 91'), 'stty size inside sees the size');
  assert.ok(lines.includes('ctty-ok'));
  assert.ok(lines.includes('got:hello relay'), 'input reached the container');
  assert.ok(!text().includes('\r'), 'ONLCR cleared for output');
});

const UNSHARE = ['/usr/bin/unshare', '/bin/unshare'].find((p) => fs.existsSync(p));
const CHILD_DEVCONSOLE = `
const path = require('node:path');
const dist = process.argv[1];
const { setupConsoleInContainer } = require(path.join(dist, 'runtime/console.js'));
const { execve } = require(path.join(dist, 'sys/exec.js'));
setupConsoleInContainer(3, undefined, { mountDevConsole: true });
execve('/bin/sh', ['sh', '-c', 'echo "console=$(stat -Lc %t:%T /dev/console) tty=$(stat -Lc %t:%T $(tty))"; echo via-dev-console >/dev/console'],
  ['PATH=/usr/bin:/bin']);
`;

test('mountDevConsole binds the slave on /dev/console (in a private mount namespace)',
  { skip: !(UNSHARE && process.getuid?.() === 0) && 'needs root and unshare' }, async () => {
    const [ours, theirs] = socket.socketpair();
    const child = spawn(UNSHARE, ['--mount', '--propagation', 'private', process.execPath, '-e', CHILD_DEVCONSOLE, dist],
      { stdio: ['ignore', 'inherit', 'inherit', theirs] });
    socket.closeFd(theirs);
    let master;
    try {
      master = consoleMod.receiveConsole(ours);
    } finally {
      socket.closeFd(ours);
    }
    const { out, text } = collector();
    await consoleMod.relayTerminal(master, { stdin: new PassThrough(), stdout: out, sizeFrom: [] });
    assert.equal(await waitExit(child), 0);
    const m = /console=(\w+:\w+) tty=(\w+:\w+)/.exec(text());
    assert.ok(m, text());
    assert.equal(m[1], m[2], '/dev/console is the container\'s pty');
    assert.match(m[1], /^88:/, 'a unix98 pty slave (major 136)');
    assert.match(text(), /via-dev-console/);
  });

test('relayTerminal stops on abort, keeping what was written, and closes the master', async () => {
  const p = pty.openPty();
  const { out, text } = collector();
  const ac = new AbortController();
  const relay = consoleMod.relayTerminal(p.master, { stdin: new PassThrough(), stdout: out, sizeFrom: [], signal: ac.signal });
  fs.writeSync(p.slave, 'before abort\n');
  ac.abort();
  await relay;
  assert.equal(text(), 'before abort\n');
  assert.throws(() => fs.fstatSync(p.master), /EBADF/);
  socket.closeFd(p.slave);
});

test('relayTerminal: input the pty cannot take yet is retried, not lost or spun on', async () => {
  const p = pty.openPty();
  const input = new PassThrough();
  const { out } = collector();
  const relay = consoleMod.relayTerminal(p.master, { stdin: input, stdout: out, sizeFrom: [] });
  // Canonical mode keeps at most 4095 bytes of a line: send many short lines, nobody reads.
  const line = `${'y'.repeat(63)}\n`;
  const total = 2000;
  for (let i = 0; i < total; i++) input.write(line);
  const c0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, 300));
  const used = process.cpuUsage(c0);
  assert.ok(used.user + used.system < 150000, `relay idles while the pty is full (${used.user + used.system} us)`);
  // Now read everything from the slave (non-blocking, so the relay's timer keeps running).
  const flags = libc.call('int fcntl(int, int, int)', 'fcntl', undefined, p.slave, 3, 0);
  libc.call('int fcntl(int, int, int)', 'fcntl', undefined, p.slave, 4, flags | 0o4000);
  let got = 0;
  const buf = Buffer.alloc(65536);
  const deadline = Date.now() + 10000;
  while (got < total * line.length && Date.now() < deadline) {
    try {
      got += fs.readSync(p.slave, buf);
    } catch (err) {
      if (err.code !== 'EAGAIN') throw err;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  assert.equal(got, total * line.length);
  socket.closeFd(p.slave);
  await relay;
});

test('a process that relayed a terminal exits by itself afterwards', async () => {
  const script = `
    const path = require('node:path'); const cp = require('node:child_process'); const fs = require('node:fs');
    const dist = process.argv[1];
    const pty = require(path.join(dist, 'sys/pty.js'));
    const { relayTerminal } = require(path.join(dist, 'runtime/console.js'));
    const p = pty.openPty();
    cp.spawn('/bin/sh', ['-c', 'echo from-the-pty'], { stdio: [p.slave, p.slave, p.slave] });
    fs.closeSync(p.slave);
    relayTerminal(p.master).then(() => process.stderr.write('relay-done\\n'));
  `;
  const child = spawn(process.execPath, ['-e', script, dist], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  // stdin stays open: an unfinished stdin must not keep the relaying process alive.
  const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
  const code = await waitExit(child);
  clearTimeout(timer);
  child.stdin.destroy();
  assert.equal(code, 0, `stderr: ${stderr}`);
  // The shell may write before the relay clears ONLCR (the same race runc has).
  assert.match(stdout, /^from-the-pty\r?\n$/);
  assert.match(stderr, /relay-done/);
});

// --- against Debian's real runc, through test/tools/recvtty.mjs ---

const RUNC = ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => fs.existsSync(p));
const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p));
const canRunc = Boolean(RUNC && BUSYBOX && process.getuid?.() === 0);

function makeBundle(dir, args, consoleSize) {
  const bin = path.join(dir, 'rootfs/bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.copyFileSync(BUSYBOX, path.join(bin, 'busybox'));
  fs.chmodSync(path.join(bin, 'busybox'), 0o755);
  const applets = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const a of applets) if (a !== 'busybox') fs.symlinkSync('busybox', path.join(bin, a));
  const r = spawnSync(RUNC, ['spec'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const cfgPath = path.join(dir, 'config.json');
  const cfg = JSON.parse(fs.readFileSync(cfgPath, 'utf8'));
  cfg.process.terminal = true;
  cfg.process.args = args;
  if (consoleSize) cfg.process.consoleSize = consoleSize;
  fs.writeFileSync(cfgPath, JSON.stringify(cfg));
}

async function waitFor(pred, ms) {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

test('recvtty --mode single receives runc\'s console and prints the container output', { skip: !canRunc && 'needs root, runc and busybox' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-recvtty-'));
  const id = `berth-console-test-${process.pid}`;
  const sock = path.join(dir, 'console.sock');
  const nameFile = path.join(dir, 'name');
  let recv;
  try {
    makeBundle(dir, ['sh', '-c', 'tty; echo hi; stty size'], { height: 30, width: 77 });
    recv = spawn(process.execPath, [path.join(repo, 'test/tools/recvtty.mjs'), '--no-stdin', '--name-file', nameFile, sock],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    recv.stdout.on('data', (d) => { out += d; });
    recv.stderr.on('data', (d) => { err += d; });
    assert.ok(await waitFor(() => fs.existsSync(sock), 5000), 'recvtty listens');
    let r = spawnSync(RUNC, ['create', '--console-socket', sock, '--bundle', dir, id], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    r = spawnSync(RUNC, ['start', id], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const code = await waitExit(recv);
    assert.equal(code, 0, err);
    assert.deepEqual(out.split('\n'), ['/dev/pts/0', 'hi', '30 77', '']);
    assert.equal(fs.readFileSync(nameFile, 'utf8'), '/dev/ptmx\n', 'runc sends the master\'s name');
    assert.equal(fs.existsSync(sock), false, 'recvtty removed its socket');
  } finally {
    spawnSync(RUNC, ['delete', '-f', id]);
    if (recv && recv.exitCode === null) recv.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('recvtty --mode null drains a chatty runc container until it finishes', { skip: !canRunc && 'needs root, runc and busybox' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-recvtty-'));
  const id = `berth-console-null-${process.pid}`;
  const sock = path.join(dir, 'console.sock');
  let recv;
  try {
    // 1 MB of output: far more than a pty buffers, so the container only ends if it is drained.
    makeBundle(dir, ['sh', '-c', 'yes 0123456789abcdef | head -c 1000000; echo done'], undefined);
    recv = spawn(process.execPath, [path.join(repo, 'test/tools/recvtty.mjs'), '--mode', 'null', sock], { stdio: 'ignore' });
    assert.ok(await waitFor(() => fs.existsSync(sock), 5000), 'recvtty listens');
    let r = spawnSync(RUNC, ['create', '--console-socket', sock, '--bundle', dir, id], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    r = spawnSync(RUNC, ['start', id], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const stopped = await waitFor(() => {
      const s = spawnSync(RUNC, ['state', id], { encoding: 'utf8' });
      return s.status === 0 && JSON.parse(s.stdout).status === 'stopped';
    }, 15000);
    assert.ok(stopped, 'the container finished writing');
    assert.equal(recv.exitCode, null, 'null mode keeps serving');
  } finally {
    spawnSync(RUNC, ['delete', '-f', id]);
    if (recv && recv.exitCode === null) {
      recv.kill('SIGTERM');
      await waitExit(recv);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
