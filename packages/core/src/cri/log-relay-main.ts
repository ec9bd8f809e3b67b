/**
 * The CRI log relay: `node log-relay-main.js <root> <state> <id> <log path> <tty 0|1>`, spawned
 * detached by `crictl start`. It starts the container's task with our ends of its FIFOs opened
 * first (no output is missed, however short the container's life), reports `{ok, pid|error}` on
 * fd 3, then writes stdout and stderr in CRI's log format until the container's last writer
 * closes them, and exits. It plays conmon's part beside berth's shim; the shim could do it itself
 * (see the report: a `cri` stdio kind), which would spare this process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
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

/** The container's spec and its rootfs snapshot's mounts (snapshot keys are per namespace). */
function containerRun(root: string, id: string): { spec: import('../oci/types').Spec; rootfsMounts: import('../snapshots').SnapshotMount[] } {
  const { openMetadata } = require('../metadata') as typeof import('../metadata');
  const { openSnapshotter } = require('../snapshots') as typeof import('../snapshots');
  const m = openMetadata(root);
  try {
    const c = m.containers.get('k8s.io', id);
    return { spec: c.spec as import('../oci/types').Spec, rootfsMounts: openSnapshotter(root, c.snapshotter, 'k8s.io').mounts(c.snapshotKey) };
  } finally {
    m.close();
  }
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
  const { openMetadata } = require('../metadata') as typeof import('../metadata');
  const { resolveCriContainer, saveStatus } = require('./container-record') as typeof import('./container-record');
  const { rfc3339ToNs } = require('./containers') as typeof import('./containers');
  const m = openMetadata(root);
  try {
    m.tx(() => {
      const c = resolveCriContainer(m, id);
      saveStatus(m, id, { ...c.status, finishedAt: rfc3339ToNs(exit.exitedAt), exitCode: exit.status, reason: exit.status === 0 ? 'Completed' : 'Error' });
    });
  } catch {
    return; // the container was removed meanwhile
  } finally {
    m.close();
  }
  try { deleteTask(state, 'k8s.io', id); } catch { /* rm got there first */ }
}

async function main(): Promise<void> {
  const [root, state, id, logPath, tty] = process.argv.slice(2) as [string, string, string, string, string];
  let file: CriLogFile | undefined;
  if (logPath !== '') {
    fs.mkdirSync(path.dirname(logPath), { recursive: true });
    file = new CriLogFile(logPath);
  }
  const { startTask } = require('../tasks/start') as typeof import('../tasks/start');
  let started;
  try {
    started = await startTask({ state, namespace: 'k8s.io', id, ...containerRun(root, id), io: { kind: 'fifo' }, terminal: tty === '1', attach: true });
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
  await recordExit(root, state, id);
  process.exit(0);
}

main().catch((err: Error) => {
  report({ ok: false, error: err.message });
  process.exit(1);
});
