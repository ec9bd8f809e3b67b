/**
 * The init stage: `node main.js`, spawned by create/exec with a sync socket. It loads koffi and
 * nothing else (no CLI framework), works synchronously on the main thread, and ends by
 * execve'ing the container's process. See DESIGN.md "The executor on Node.js".
 */
import * as fs from 'node:fs';
import { setDumpable } from '../../sys/prctl';
import { EARLY_PARENT_ENV, ParentAbort, STDERR_FD_ENV, STDIO_BY_SOCKET_ENV, SYNC_FD_ENV, SyncChannel, type InitConfig } from '../sync';
import { dup2 } from '../../sys/pty';
import { closeFd, setCloexec } from '../../sys/file';
import { runCreate } from './create-stage';
import { runExec } from './exec-stage';
import { trace } from '../../util/trace';

function main(): void {
  // First thing: a process in the container must never reach the host's node binary
  // through /proc/<pid>/exe (CVE-2019-5736).
  setDumpable(false);
  const stderrFd = process.env[STDERR_FD_ENV];
  if (stderrFd) {
    dup2(Number(stderrFd), 2);
    closeFd(Number(stderrFd));
  }
  trace('init: running');
  const early = process.env[EARLY_PARENT_ENV];
  // Started by runc's launcher before the CLI (init/early.ts): the socket comes once the CLI takes it.
  const ch = new SyncChannel(early ? (require('./early') as typeof import('./early')).earlyChannel(Number(early)) : Number(process.env[SYNC_FD_ENV]));
  delete process.env[EARLY_PARENT_ENV];
  // Not inherited by the hooks we run: a process they leave behind would hold it open, and the
  // parent, reading it synchronously, would never see our EOF if we died (runtime/converse.ts).
  setCloexec(ch.fd, true);
  let cfg: InitConfig;
  try {
    if (process.env[STDIO_BY_SOCKET_ENV]) receiveStdio(ch.fd);
    const msg = ch.receive();
    if (msg.type !== 'config') throw new Error(`expected config, got ${msg.type}`);
    cfg = msg.config;
    trace('init: config read');
  } catch (err) {
    // A parent gone before sending anything (a prespawned init nobody took): nothing to report.
    if (err instanceof ParentAbort) process.exit(1);
    process.stderr.write(`berth init: ${(err as Error).message}\n`);
    process.exit(1);
  }
  try {
    if (cfg.mode === 'exec') runExec(cfg, ch); else runCreate(cfg, ch);
  } catch (err) {
    if (err instanceof ParentAbort) process.exit(1);
    try {
      ch.send({ type: 'error', message: (err as Error).message });
    } catch {
      // The parent is gone (after "ready"): stderr is all that is left.
      fs.writeSync(2, `berth init: ${(err as Error).message}\n`);
    }
    process.exit(1);
  }
}

/** A shim's prespawned init: the container's fds 0-2 come over the sync socket (prespawn.ts sendStdio). */
function receiveStdio(sock: number): void {
  const { recvFd } = require('../../sys/socket') as typeof import('../../sys/socket');
  for (const i of [0, 1, 2]) {
    let fd: number;
    try {
      fd = recvFd(sock).fd;
    } catch {
      throw new ParentAbort('no stdio from the parent'); // not taken: the shim is gone
    }
    dup2(fd, i);
    closeFd(fd);
  }
  delete process.env[STDIO_BY_SOCKET_ENV];
}

main();
