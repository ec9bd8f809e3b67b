#!/usr/bin/env node
// recvtty: a consumer of the --console-socket protocol, for tests (like runc's recvtty).
//
//   recvtty [--mode single|null] [--pid-file FILE] [--no-stdin] [--name-file FILE] SOCKET
//
// single: accept one connection, receive the pty master, copy it to stdout until the
//         container side closes (and stdin to it unless --no-stdin).
// null:   accept connections until killed; read every master received and discard it.
// --name-file writes the name sent along with the first fd (runc sends the master's path).
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import * as tty from 'node:tty';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../packages/core/dist');
const socket = require(path.join(dist, 'sys/socket.js'));
const pty = require(path.join(dist, 'sys/pty.js'));
const libc = require(path.join(dist, 'sys/libc.js'));
const { relayTerminal } = require(path.join(dist, 'runtime/console.js'));

function usage(msg) {
  process.stderr.write(`[recvtty] ${msg}\nusage: recvtty [--mode single|null] [--pid-file FILE] [--no-stdin] [--name-file FILE] SOCKET\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { mode: 'single', pidFile: '', nameFile: '', noStdin: false, path: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--mode' || a === '-m') o.mode = value();
    else if (a.startsWith('--mode=')) o.mode = a.slice(7);
    else if (a === '--pid-file') o.pidFile = value();
    else if (a === '--name-file') o.nameFile = value();
    else if (a === '--no-stdin') o.noStdin = true;
    else if (a.startsWith('-')) usage(`unknown flag ${a}`);
    else if (o.path) usage('need to specify a single socket path');
    else o.path = a;
  }
  if (!o.path) usage('need to specify a single socket path');
  if (o.mode !== 'single' && o.mode !== 'null') usage(`need to select a valid mode: ${o.mode}`);
  return o;
}

function receive(conn, nameFile) {
  try {
    const { fd, name } = socket.recvFd(conn);
    if (nameFile) fs.writeFileSync(nameFile, `${name}\n`);
    if (!pty.isTerminal(fd)) throw new Error(`received fd (${name}) is not a terminal`);
    return fd;
  } finally {
    socket.closeFd(conn);
  }
}

async function single(o, listener) {
  const conn = await acceptAsync(listener);
  socket.closeFd(listener);
  fs.rmSync(o.path, { force: true });
  const master = receive(conn, o.nameFile);
  await relayTerminal(master, {
    stdin: o.noStdin ? new PassThrough() : process.stdin,
    stdout: process.stdout,
    sizeFrom: [],
    resize: false,
  });
}

// accept(2) on a libuv worker thread: the event loop stays free to drain masters already
// received and to handle SIGTERM (a blocking accept on the main thread would defer it).
function acceptAsync(listener) {
  const f = libc.fn('int accept4(int, void *, void *, int)');
  return new Promise((resolve, reject) => {
    f.async(listener, null, null, 0o2000000, (err, fd) => (err || fd < 0 ? reject(err ?? new Error('accept4 failed')) : resolve(fd)));
  });
}

function drain(master) {
  const s = new tty.ReadStream(master);
  s.on('data', () => {});
  s.on('error', () => s.destroy());
}

async function nullMode(o, listener) {
  let first = true;
  for (;;) {
    const conn = await acceptAsync(listener);
    try {
      const master = receive(conn, first ? o.nameFile : '');
      first = false;
      drain(master);
    } catch (err) {
      process.stderr.write(`[recvtty] ${err.message}\n`);
    }
  }
}

const o = parseArgs(process.argv.slice(2));
if (o.pidFile) fs.writeFileSync(o.pidFile, `${process.pid}\n`);
let listener;
try {
  listener = socket.unixListen(o.path);
} catch (err) {
  process.stderr.write(`[recvtty] fatal error: ${err.message}\n`);
  process.exit(1);
}
const cleanup = () => { try { fs.rmSync(o.path, { force: true }); } catch { /* gone */ } };
// Node joins its worker threads at exit: shut the listener down first so that a worker
// blocked in accept(2) returns (EINVAL) instead of holding the exit forever.
const stop = () => {
  try { libc.call('int shutdown(int, int)', 'shutdown', undefined, listener, 2); } catch { /* closed already */ }
  cleanup();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
(o.mode === 'single' ? single(o, listener) : nullMode(o, listener)).catch((err) => {
  cleanup();
  process.stderr.write(`[recvtty] fatal error: ${err.message}\n`);
  process.exit(1);
});
