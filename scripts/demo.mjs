#!/usr/bin/env node
// The guided demo (`npm start`): a busybox container from the host's busybox-static, driven by
// berth's runc through its whole life. Every step prints the command it runs. Needs root.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const runc = path.join(repo, 'bin', 'runc');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-demo-root-'));
const bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-demo-bundle-'));
const id = `berth-demo-${process.pid}`;
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

function step(title, args, { allowFail = false } = {}) {
  console.log(`\n${bold(`# ${title}`)}\n$ runc ${args.join(' ')}`);
  const r = spawnSync(runc, ['--root', root, ...args], { stdio: ['ignore', 'inherit', 'inherit'], cwd: bundle });
  if (r.status !== 0 && !allowFail) throw new Error(`runc ${args[0]} exited with ${r.status}`);
  return r.status;
}

function makeRootfs() {
  const rootfs = path.join(bundle, 'rootfs');
  for (const d of ['bin', 'proc', 'sys', 'dev', 'etc', 'tmp']) fs.mkdirSync(path.join(rootfs, d), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(rootfs, 'bin/busybox'));
  fs.chmodSync(path.join(rootfs, 'bin/busybox'), 0o755);
  for (const applet of execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
    if (applet !== 'busybox') fs.symlinkSync('busybox', path.join(rootfs, 'bin', applet));
  }
  fs.writeFileSync(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  fs.writeFileSync(path.join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
}

function setArgs(args, extra = {}) {
  const file = path.join(bundle, 'config.json');
  const spec = JSON.parse(fs.readFileSync(file, 'utf8'));
  spec.process.terminal = false;
  spec.process.args = args;
  Object.assign(spec, extra);
  fs.writeFileSync(file, JSON.stringify(spec, null, '\t'));
  console.log(`(config.json: process.args = ${JSON.stringify(args)})`);
}

try {
  if (process.getuid() !== 0) throw new Error('the demo runs containers: run it as root');
  console.log(bold('berth demo: an OCI runtime written in TypeScript, driven like runc'));
  makeRootfs();
  step('Write the default OCI spec into the bundle', ['spec']);
  setArgs(['sh', '-c', 'echo "hello from $(hostname), I am pid $$"; grep CapEff /proc/self/status'], { hostname: 'berth-demo' });
  step('Run a container in the foreground: its exit status is ours', ['run', `${id}-hello`]);
  setArgs(['sleep', '300']);
  step('Create a container: its process waits for `start`', ['create', id]);
  step('List containers', ['list']);
  step('Start it', ['start', id]);
  step('Its state, as runc prints it', ['state', id]);
  step('Run another process inside it', ['exec', id, 'sh', '-c', 'ps; echo "exec sees hostname $(hostname)"']);
  step('Its processes, seen from the host', ['ps', id]);
  step('Freeze it', ['pause', id]);
  step('List again', ['list']);
  step('Thaw it', ['resume', id]);
  step('Give it a memory limit of 64 MiB', ['update', '--memory', '64m', id]);
  step('Stop it', ['kill', id, 'KILL']);
  step('Remove it', ['delete', '--force', id]);
  step('Nothing is left', ['list']);
  console.log(`\n${bold('Done.')} Next: man/runc.8, README.md, and \`npm test\`.`);
} catch (err) {
  console.error(`demo failed: ${err.message}`);
  process.exitCode = 1;
} finally {
  spawnSync(runc, ['--root', root, 'delete', '-f', id], { stdio: 'ignore' });
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(bundle, { recursive: true, force: true });
}
