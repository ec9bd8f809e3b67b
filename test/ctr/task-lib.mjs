// Shared by the task tests (tasks, run, shim): a busybox image in a local registry, pulled into a
// fresh --root, a ctr bound to that root and a private --state, and cleanup of every container
// a test makes (task killed and deleted, then the container and its snapshot).
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runBin, tempDir, trackContainer, uniqueId } from '../lib/index.mjs';
import { makeLayout, skopeoPush, startRegistry } from './registry-lib.mjs';
import { writeBusyboxArchive } from '../../scripts/demo-image.mjs';

export { skipWithoutRegistry } from './registry-lib.mjs';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nberth:x:1000:1000:berth:/home/berth:/bin/sh\n';
const GROUP = 'root:x:0:\nberth:x:1000:\n';

/** Registry up, image pushed and pulled; returns { root, state, ref, ctr, newId, stop }. */
export async function setupTaskEnv() {
  const work = tempDir('task-work');
  const root = tempDir('ctr-root');
  const state = tempDir('ctr-state');
  const registry = await startRegistry(work);
  // busybox is a multi-call binary: bin/sh runs its shell; everything else through `busybox <applet>`.
  // One file per top-level directory and layer: registry-lib's tarOf archives a directory once per file.
  makeLayout(work, join(work, 'oci'), [
    { 'bin/busybox': '/bin/busybox' }, { 'bin/sh': '/bin/busybox' }, { 'etc/passwd': Buffer.from(PASSWD) }, { 'etc/group': Buffer.from(GROUP) },
  ], { config: { Cmd: ['/bin/sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'FROM_IMAGE=1'] } });
  const ref = `${registry.host}/test/busybox:1`;
  skopeoPush(join(work, 'oci'), '1', ref);
  const ctr = (args, opts = {}) => runBin('ctr', ['--root', root, '--state', state, ...args], { timeout: 60_000, ...opts });
  const pull = await ctr(['images', 'pull', '--plain-http', ref], { timeout: 120_000 });
  assert.equal(pull.code, 0, pull.stderr);
  await registry.stop();
  /** A fresh container id, removed (task and container) by the file's cleanup. */
  const newId = () => {
    const id = uniqueId();
    // Cleanup runs these newest first: the task goes, then the container and its snapshot.
    trackContainer({ tool: 'ctr', root, id, deleteArgs: ['--state', state, 'containers', 'rm', id] });
    trackContainer({ tool: 'ctr', root, id, deleteArgs: ['--state', state, 'tasks', 'rm', '-f', id] });
    return id;
  };
  return { root, state, ref, ctr, newId, work, stop: () => rmSync(work, { recursive: true, force: true }) };
}

/** The shim's pid of a task, from its task directory. */
export function shimPid(state, id, ns = 'default') {
  return JSON.parse(readFileSync(join(state, 'io.containerd.runtime.v2.task', ns, id, 'shim.json'), 'utf8')).pid;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The demo busybox image (scripts/demo-image.mjs) imported through `ctr`, a runBin-style caller. */
export async function importDemoImage(ctr) {
  const archive = join(tempDir('image'), 'busybox.tar');
  writeBusyboxArchive(archive);
  const r = await ctr(['images', 'import', archive]);
  assert.equal(r.code, 0, r.stderr);
}
