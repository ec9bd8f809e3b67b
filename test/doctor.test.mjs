// ctr doctor (berth's own): every check, as a table and as JSON, against what this machine has;
// a required failure (an unusable --root) exits 1, a missing optional piece (CNI plugins) warns
// and says what to install.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseJson, registerCleanup, runBin, tempDir } from './lib/index.mjs';

const NAMES = ['node', 'koffi', 'better-sqlite3', 'root-dir', 'state-dir', 'cgroups', 'pivot_root', 'overlayfs',
  'user-namespaces', 'seccomp', 'cni-plugins', 'iptables'];

describe('ctr doctor', () => {
  registerCleanup();
  const dir = tempDir('doctor');
  const root = join(dir, 'root');
  const state = join(dir, 'state');
  const doctor = (...args) => runBin('ctr', ['--root', root, '--state', state, 'doctor', ...args], { timeout: 60_000 });

  it('reports every check as JSON, each not-ok one with a fix, and exits 0 when no required one fails', async () => {
    const r = await doctor('-o', 'json');
    const report = parseJson(r);
    assert.deepEqual(report.checks.map((c) => c.name), NAMES);
    for (const c of report.checks) {
      assert.ok(['ok', 'warn', 'fail'].includes(c.status), JSON.stringify(c));
      assert.equal(typeof c.required, 'boolean');
      assert.ok(c.detail.length > 0);
      if (c.status !== 'ok') assert.ok(c.fix, `${c.name} is ${c.status} without a fix`);
      if (c.status === 'fail') assert.equal(c.required, true);
    }
    const failed = report.checks.some((c) => c.status === 'fail');
    assert.equal(report.ok, !failed);
    assert.equal(r.code, failed ? 1 : 0, r.stderr);
    const by = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    // What the machine has, seen independently of the code under test.
    assert.equal(by.node.status, 'ok');
    assert.match(by.node.detail, new RegExp(process.versions.node.replace(/\./g, '\\.')));
    assert.equal(by.koffi.status, 'ok');
    assert.equal(by['better-sqlite3'].status, 'ok');
    assert.equal(by['root-dir'].status, 'ok');
    assert.equal(existsSync(root), false, 'the doctor creates no root');
    const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
    const v2 = / \/sys\/fs\/cgroup [^-]*- cgroup2 /.test(mountinfo);
    const hybrid = / \/sys\/fs\/cgroup\/unified [^-]*- cgroup2 /.test(mountinfo);
    assert.match(by.cgroups.detail, v2 ? /^v2 / : hybrid ? /^v1 hybrid / : /^v1: /);
    const overlay = readFileSync('/proc/filesystems', 'utf8').includes('\toverlay\n');
    if (!overlay) assert.equal(by.overlayfs.status, 'warn');
    const cniDir = '/usr/lib/cni';
    const cniAll = ['bridge', 'host-local', 'loopback', 'portmap'].every((p) => existsSync(join(cniDir, p)));
    if (cniAll) assert.equal(by['cni-plugins'].status, 'ok');
  });

  it('prints a CHECK STATUS DETAIL table with the same checks', async () => {
    const r = await doctor();
    const [head, ...rows] = r.stdout.trimEnd().split('\n');
    assert.match(head, /^CHECK +STATUS +DETAIL$/);
    assert.deepEqual(rows.map((l) => l.split(/ +/)[0]), NAMES);
    for (const l of rows) assert.match(l, /^\S+ +(ok|warn|fail) +\S/);
  });

  it('fails (exit 1) when the root cannot be created, and names it', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const r = await runBin('ctr', ['--root', join(file, 'root'), '--state', state, 'doctor', '-o', 'json'], { timeout: 60_000 });
    assert.equal(r.code, 1, r.stderr);
    const c = parseJson(r).checks.find((x) => x.name === 'root-dir');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /is not a directory/);
    assert.match(c.fix, /--root/);
  });

  it('warns about missing CNI plugins in the config\'s bin_dir and says what to install', async () => {
    const bin = tempDir('cni-bin');
    const config = join(dir, 'config.toml');
    writeFileSync(config, `version = 2\n[plugins."io.containerd.grpc.v1.cri".cni]\n  bin_dir = ${JSON.stringify(bin)}\n`);
    writeFileSync(join(bin, 'loopback'), '#!/bin/sh\n', { mode: 0o755 });
    const r = await doctor('--config', config, '-o', 'json');
    const c = parseJson(r).checks.find((x) => x.name === 'cni-plugins');
    assert.equal(c.status, 'warn');
    assert.equal(c.required, false);
    assert.equal(c.detail, `missing in ${bin}: bridge, host-local, portmap`);
    assert.match(c.fix, /apt-get install containernetworking-plugins/);
  });
});
