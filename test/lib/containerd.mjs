// A private containerd (Debian's) for differential tests: its own root, state and socket under
// the test's temp root, the CRI plugin disabled, stopped (with its tasks, shims and mounts) by
// stop() or by the harness's cleanup when a test file dies half-way.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tempdir.mjs';
import { trackPid, untrackPid } from './cleanup.mjs';
import { procStartTime } from './procfs.mjs';

export const CONTAINERD = process.env.BERTH_TEST_CONTAINERD || '/usr/bin/containerd';
export const REAL_CTR = process.env.BERTH_TEST_REAL_CTR || '/usr/bin/ctr';
export const skipWithoutContainerd = existsSync(CONTAINERD) && existsSync(REAL_CTR) ? false : 'needs containerd and ctr';

function configToml(dir) {
  // Every address inside the temp dir: nothing listens on a port, nothing clashes with a
  // containerd the machine may run itself.
  return `version = 2
root = "${dir}/root"
state = "${dir}/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "${dir}/containerd.sock"

[ttrpc]
  address = "${dir}/containerd.sock.ttrpc"

[debug]
  address = "${dir}/debug.sock"

[metrics]
  address = ""
`;
}

/**
 * The reference's environment: its shim finds `runc` on PATH, and under `npm test` npm puts the
 * workspace's node_modules/.bin first, where berth's own runc is linked. The reference must run
 * Debian's runc unless a test asks otherwise (`ctr run --runc-binary`).
 */
function referenceEnv() {
  const PATH = (process.env.PATH ?? '').split(':').filter((d) => d && !d.split('/').includes('node_modules')).join(':');
  return { ...process.env, PATH: PATH || '/usr/sbin:/usr/bin:/sbin:/bin' };
}

/**
 * Start containerd and wait for its socket. Returns
 * { address, root, state, dir, pid, ctr(args, { input, timeout, namespace }) -> {code, stdout, stderr}, stop() }.
 */
export async function startContainerd({ timeout = 20_000 } = {}) {
  const dir = tempDir('containerd');
  const config = join(dir, 'config.toml');
  writeFileSync(config, configToml(dir));
  const address = join(dir, 'containerd.sock');
  const logFile = join(dir, 'containerd.log');
  const { openSync, closeSync } = await import('node:fs');
  const log = openSync(logFile, 'a');
  const child = spawn(CONTAINERD, ['--config', config, '--log-level', 'warn'], {
    stdio: ['ignore', log, log], detached: true, env: referenceEnv(),
  });
  closeSync(log);
  trackPid(child.pid);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const deadline = Date.now() + timeout;
  for (;;) {
    if (exited) throw new Error(`containerd exited at start (${JSON.stringify(exited)}): ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    const probe = spawnSync(REAL_CTR, ['--address', address, 'version'], { encoding: 'utf8', timeout: 5000 });
    if (probe.status === 0) break;
    if (Date.now() > deadline) throw new Error(`containerd did not answer on ${address}: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  const ctr = (args, { input, timeout: t = 60_000, namespace = 'default' } = {}) => new Promise((resolve) => {
    const p = spawn(REAL_CTR, ['--address', address, '--namespace', namespace, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    const timer = setTimeout(() => p.kill('SIGKILL'), t);
    p.stdout.on('data', (b) => out.push(b));
    p.stderr.on('data', (b) => err.push(b));
    p.stdin.on('error', () => {});
    p.stdin.end(input ?? '');
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });

  const stop = async () => {
    if (!exited) await stopDaemon();
    await removeRuntimeRoots();
  };

  /**
   * The shims' runtime root is host-wide (/run/containerd/runc/<ns>): left empty, it goes, once
   * the daemon's shims are gone too (a shim's last cleanup runs `runc delete`, which makes the
   * root again); a container's state may still be on its way out: a few tries.
   */
  const removeRuntimeRoots = async () => {
    const shims = () => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try { return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(address); } catch { return false; }
    });
    for (let i = 0; i < 100 && shims().length > 0; i += 1) await new Promise((r) => setTimeout(r, 50));
    let nss = [];
    try { nss = readdirSync(join(dir, 'state', 'io.containerd.runtime.v2.task')); } catch { /* no task ever */ }
    for (const ns of nss) {
      for (let i = 0; i < 60; i += 1) {
        try {
          rmdirSync(`/run/containerd/runc/${ns}`);
          break;
        } catch (err) {
          if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') break; // gone, or never made
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
  };

  const stopDaemon = async () => {
    // Tasks first (their shims are containerd's children, not ours to kill by pid), then the daemon.
    const nss = (await ctr(['namespaces', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
    for (const ns of nss) {
      const tasks = (await ctr(['tasks', 'ls', '-q'], { namespace: ns })).stdout.split('\n').filter(Boolean);
      for (const id of tasks) {
        await ctr(['tasks', 'kill', '-s', 'SIGKILL', id], { namespace: ns });
        await ctr(['tasks', 'delete', '-f', id], { namespace: ns });
      }
      const ctrs = (await ctr(['containers', 'ls', '-q'], { namespace: ns })).stdout.split('\n').filter(Boolean);
      if (ctrs.length) await ctr(['containers', 'rm', ...ctrs], { namespace: ns });
    }
    const start = procStartTime(child.pid);
    if (start !== null) process.kill(child.pid, 'SIGTERM');
    for (let i = 0; i < 100 && !exited; i += 1) await new Promise((r) => setTimeout(r, 50));
    if (!exited && procStartTime(child.pid) === start) process.kill(child.pid, 'SIGKILL');
    untrackPid(child.pid);
  };

  return { address, root: join(dir, 'root'), state: join(dir, 'state'), dir, pid: child.pid, ctr, stop, logFile };
}

/** Snapshot directories containerd's overlayfs snapshotter made (for comparing unpacked trees). */
export function containerdSnapshotDirs(root) {
  const d = join(root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots');
  return existsSync(d) ? readdirSync(d).map((n) => join(d, n, 'fs')) : [];
}
