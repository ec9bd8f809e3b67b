/**
 * The CRI log relay of a tty container (the shim writes the CRI log of the others itself, see
 * shim-cri-log.ts): `node log-relay-main.js`, spawned detached by `crictl start` before it reads
 * anything, with one JSON line (RelayHandoff: the container, its spec and rootfs mounts) to come
 * on fd 3. Meanwhile it prespawns the task's shim and loads what starting a task needs, so both
 * Node start-ups overlap with the starter's work. It starts the container's task with our ends of
 * its FIFOs opened first (no output is missed, however short the container's life), reports
 * `{ok, pid|error}` on fd 3, then writes stdout and stderr in CRI's log format until the
 * container's last writer closes them, records the exit and exits. EOF instead of a handoff: the
 * starter gave up; exit, having made nothing. It plays conmon's part beside berth's shim; the shim
 * could do it itself (see shim-cri-log.ts), which would spare this process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { prespawnShim } from '../tasks/prespawn';
import { readHandoffLine } from '../tasks/shim/handoff';
import type { RelayHandoff } from './container-run';
import { CriLogFile, CriLogWriter } from './cri-log';

const READY_FD = 3;

function report(r: { ok: true; pid: number } | { ok: false; error: string }): void {
  try {
    fs.writeSync(READY_FD, `${JSON.stringify(r)}\n`);
    fs.closeSync(READY_FD);
  } catch { /* the starter is gone: carry on */ }
}

function discard(): Writable {
  return new Writable({ write(_c, _e, cb): void { cb(); } });
}

function ended(w: Writable): Promise<void> {
  return new Promise((resolve) => { w.end(() => resolve()); });
}

/** containerd's exit handling for CRI containers: the exit into the status, then the task deleted. */
async function recordExit(root: string, state: string, id: string): Promise<void> {
  const { waitTaskExit, deleteTask } = require('../services/tasks') as typeof import('../services/tasks');
  let exit;
  try {
    exit = await waitTaskExit(state, 'k8s.io', id);
  } catch {
    return; // deleted meanwhile (rm -f), or its shim died: the task's own state tells
  }
  if (!(require('./container-exit') as typeof import('./container-exit')).recordCriExit(root, id, exit)) return;
  try { deleteTask(state, 'k8s.io', id); } catch { /* rm got there first */ }
}

async function main(): Promise<void> {
  prespawnShim();
  // Loaded while the starter still reads the container: this is most of our start-up.
  const { startTask } = require('../tasks/start') as typeof import('../tasks/start');
  const h = readHandoffLine<RelayHandoff>(READY_FD);
  if (!h) process.exit(0);
  let file: CriLogFile | undefined;
  if (h.logPath !== '') {
    fs.mkdirSync(path.dirname(h.logPath), { recursive: true });
    file = new CriLogFile(h.logPath);
  }
  let started;
  try {
    started = await startTask({ state: h.state, namespace: 'k8s.io', id: h.id, spec: h.spec, rootfsMounts: h.rootfsMounts, io: { kind: 'fifo' }, terminal: h.tty, attach: true });
  } catch (err) {
    report({ ok: false, error: (err as Error).message });
    process.exit(1);
  }
  report({ ok: true, pid: started.pid });
  const out = file ? new CriLogWriter(file, 'stdout') : discard();
  const err = file ? new CriLogWriter(file, 'stderr') : discard();
  if (started.io) await started.io.relay({ stdout: out, stderr: err }).done;
  await Promise.all([ended(out), ended(err)]);
  file?.close();
  await recordExit(h.root, h.state, h.id);
  process.exit(0);
}

main().catch((err: Error) => {
  report({ ok: false, error: err.message });
  process.exit(1);
});
