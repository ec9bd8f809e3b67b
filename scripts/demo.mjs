#!/usr/bin/env node
// The guided demo (`npm start`): a busybox image made from the host's busybox-static, imported,
// then run by the three tools on one state — ctr's containers and tasks, the same container seen
// by berth's runc, a crictl pod with two containers. Needs root, no internet. Every step prints
// the command it runs; everything happens in a private root and state (never /var/lib/berth),
// and everything the demo makes is removed at the end, also after a failed step or Ctrl-C.
//
//   node scripts/demo.mjs [--root DIR] [--state DIR] [--no-pause]
//   (or BERTH_ROOT / BERTH_STATE in the environment; default: a fresh temp dir)
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_IMAGE, writeBusyboxArchive } from './demo-image.mjs';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS = { ctr: path.join(repo, 'bin', 'ctr'), crictl: path.join(repo, 'bin', 'crictl'), runc: path.join(repo, 'bin', 'runc') };
const BRIDGE = 'berthdemo0';
const STEP_TIMEOUT = 180_000;

// --- options -----------------------------------------------------------------------------
const argv = process.argv.slice(2);
const opt = { pause: true, root: process.env.BERTH_ROOT, state: process.env.BERTH_STATE };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--no-pause') opt.pause = false;
  else if (a === '--root' || a === '--state') opt[a.slice(2)] = argv[++i];
  else if (a.startsWith('--root=') || a.startsWith('--state=')) opt[a.slice(2, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
  else if (a === '-h' || a === '--help') {
    console.log('usage: node scripts/demo.mjs [--root DIR] [--state DIR] [--no-pause]\n(root and state default to a fresh temp dir; BERTH_ROOT/BERTH_STATE are honoured)');
    process.exit(0);
  } else {
    console.error(`demo: unknown argument ${a} (see --help)`);
    process.exit(2);
  }
}
const interactive = opt.pause && process.stdin.isTTY === true && process.stdout.isTTY === true;
const tty = process.stdout.isTTY === true;
const bold = (s) => (tty ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (tty ? `\x1b[2m${s}\x1b[0m` : s);

// --- where the demo works ----------------------------------------------------------------
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-demo-'));
fs.chmodSync(work, 0o755); // containers' rootfs under it must stay reachable
const root = path.resolve(opt.root ?? path.join(work, 'root'));
const state = path.resolve(opt.state ?? path.join(work, 'state'));
const env = { ...process.env, BERTH_ROOT: root, BERTH_STATE: state, BERTH_CNI_CONF_DIR: path.join(work, 'net.d') };
delete env.CONTAINERD_NAMESPACE;
// The launchers move it aside themselves; no command here makes a TLS connection.
delete env.NODE_EXTRA_CA_CERTS;

// --- running commands --------------------------------------------------------------------
let outCounter = 0;
let interrupted = null; // the signal's name once one came
let onInterrupt = () => {};

class Interrupted extends Error {}
function checkInterrupted() {
  if (interrupted) throw new Interrupted(`interrupted by ${interrupted}`);
}

/**
 * Runs a command with its output in files (a detached shim must not hold a pipe of ours), in
 * our process group: Ctrl-C reaches it too.
 */
async function exec(argv0, args) {
  outCounter += 1;
  const out = path.join(work, `.out-${outCounter}`);
  const err = path.join(work, `.err-${outCounter}`);
  const o = fs.openSync(out, 'w+');
  const e = fs.openSync(err, 'w+');
  try {
    const child = spawn(TOOLS[argv0] ?? argv0, args, { cwd: work, env, stdio: ['ignore', o, e] });
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT);
    const { code, error } = await new Promise((resolve) => {
      child.on('error', (x) => resolve({ code: null, error: x }));
      child.on('exit', (c, sig) => resolve({ code: c, error: sig ? new Error(`killed by ${sig}`) : undefined }));
    });
    clearTimeout(timer);
    return { code, error, stdout: fs.readFileSync(out, 'utf8'), stderr: fs.readFileSync(err, 'utf8') };
  } finally {
    fs.closeSync(o);
    fs.closeSync(e);
    fs.rmSync(out, { force: true });
    fs.rmSync(err, { force: true });
  }
}

const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
const shown = (argv0, args) => [argv0, ...args].map(quote).join(' ');

/**
 * Prints `$ command`, runs it, prints its output; a non-zero exit fails the demo. After a
 * signal, only `always` commands run (the final listings).
 */
async function run(argv0, args, { always = false } = {}) {
  if (!always) checkInterrupted();
  console.log(`$ ${shown(argv0, args)}`);
  const r = await exec(argv0, args);
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  // A command that got the signal too and failed is the interruption, not a failure; one that
  // succeeded returns, so that its caller remembers what it made.
  if (r.code !== 0 && !always) checkInterrupted();
  if (r.code !== 0) throw new Error(`${shown(argv0, args)} failed (${r.error ? r.error.message : `exit status ${r.code}`})`);
  return r;
}

function title(text) {
  console.log(`\n${bold(`# ${text}`)}`);
}

async function section(text) {
  if (interactive && !interrupted) {
    process.stdout.write(dim('\n(press Enter to go on, Ctrl-C to stop and clean up)'));
    await new Promise((resolve) => {
      onInterrupt = resolve;
      process.stdin.once('data', resolve);
      process.stdin.resume();
    });
    process.stdin.pause();
    checkInterrupted();
  }
  console.log(`\n${bold(`== ${text} ==`)}`);
}

function showFile(name, text) {
  fs.writeFileSync(path.join(work, name), text);
  console.log(`$ cat ${name}`);
  process.stdout.write(text);
}

/** A command berth has not built yet is a hidden placeholder whose help says so. */
async function implemented(tool, cmd) {
  const r = await exec(tool, [...cmd, '--help']);
  return r.code === 0 && !/not yet built/.test(r.stdout + r.stderr);
}

function notYet(what) {
  console.log(dim(`(${what}: not yet available in this build; the demo goes on)`));
}

// --- what the demo made, removed in reverse order ------------------------------------------
const made = [];
function remember(key, argv0, args) {
  made.push({ key, argv0, args });
}
function forget(key) {
  const i = made.findIndex((m) => m.key === key);
  if (i >= 0) made.splice(i, 1);
}

async function cleanup() {
  if (made.length > 0) title('Clean up: remove what the demo made, newest first');
  while (made.length > 0) {
    const m = made.pop();
    console.log(`$ ${shown(m.argv0, m.args)}`);
    const r = await exec(m.argv0, m.args);
    if (r.code !== 0) process.stderr.write(r.stderr || `(exit status ${r.code})\n`);
  }
}

function removeWork() {
  const mounted = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4]).filter((p) => p && (p === work || p.startsWith(`${work}/`)));
  if (mounted.length > 0) {
    console.error(`demo: not removing ${work}: still mounted: ${mounted.join(', ')}`);
    return false;
  }
  fs.rmSync(work, { recursive: true, force: true });
  return true;
}

// A signal stops the demo between two commands (the one running gets it too, from the
// terminal); then the demo's objects are removed as after a failed step.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (interrupted) {
      console.error(`\ndemo: ${sig} again: still cleaning up`);
      return;
    }
    interrupted = sig;
    console.error(`\ndemo: ${sig}: stopping, then cleaning up`);
    onInterrupt();
  });
}

// --- the demo's pieces ---------------------------------------------------------------------
/** A /24 for the pod network that no route of this host uses yet. */
function freeSubnet() {
  const routes = spawnSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' }).stdout ?? '';
  for (const third of [37, 38, 39, 137, 237]) {
    const net = `10.213.${third}`;
    if (!routes.includes(`${net}.`)) return net;
  }
  throw new Error('no free subnet in 10.213.{37,38,39,137,237}.0/24 for the demo pod network');
}

/** An image the root held before the demo stays after it. */
async function hasImage(global, ref) {
  return (await exec('ctr', [...global, 'images', 'ls', '-q'])).stdout.split('\n').includes(ref);
}

const linkExists = (name) => spawnSync('ip', ['link', 'show', name], { stdio: 'ignore' }).status === 0;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `crictl logs` until `pattern` shows (the client needs a moment for its request). */
async function waitForLog(id, pattern) {
  for (let i = 0; i < 50 && !interrupted; i++) {
    if (pattern.test((await exec('crictl', ['logs', id])).stdout)) return;
    await sleep(200);
  }
}

async function ctrPart(image) {
  await section('ctr: containers and tasks');
  if (!await implemented('ctr', ['run'])) {
    notYet('ctr run and ctr tasks');
    return;
  }
  // Cleanup removes these ids: they must be the demo's own (a --root of the user's may hold them).
  const existing = (await exec('ctr', ['containers', 'ls', '-q'])).stdout.split('\n');
  for (const id of ['demo-hello', 'demo-web']) {
    if (existing.includes(id)) throw new Error(`container ${id} already exists in ${root}: remove it (ctr containers rm ${id}) or use another --root`);
  }
  title('Run a container in the foreground and remove it when it exits');
  remember('hello-c', 'ctr', ['containers', 'rm', 'demo-hello']);
  remember('hello-t', 'ctr', ['tasks', 'rm', '-f', 'demo-hello']);
  await run('ctr', ['run', '--rm', image, 'demo-hello', 'sh', '-c', 'echo "hello from busybox, I am pid $$ in $(hostname)"']);
  forget('hello-t');
  forget('hello-c');

  title('Run one in the background: busybox httpd, detached');
  remember('web-c', 'ctr', ['containers', 'rm', 'demo-web']);
  remember('web-t', 'ctr', ['tasks', 'rm', '-f', 'demo-web']);
  await run('ctr', ['run', '-d', image, 'demo-web', 'httpd', '-f', '-p', '8080']);
  title('Its task, as ctr lists tasks');
  await run('ctr', ['tasks', 'ls']);
  title('The same container, seen by the runtime (berth\'s runc) under the state directory');
  await run('runc', ['--root', path.join(state, 'runc', 'default'), 'list']);
  title('Run another process in it: httpd is pid 1 of the container');
  await run('ctr', ['tasks', 'exec', '--exec-id', 'ps', 'demo-web', 'ps']);
  title('Stop it: SIGKILL (httpd is pid 1 of its namespace and has no SIGTERM handler)');
  await run('ctr', ['tasks', 'kill', '--signal', 'SIGKILL', 'demo-web']);
  title('Delete the task once it has exited (its exit status is printed)');
  let r;
  for (let i = 0; i < 25 && !interrupted; i++) {
    r = await exec('ctr', ['tasks', 'ls']);
    if (!/demo-web\s+\d+\s+RUNNING/.test(r.stdout)) break;
    await sleep(200);
  }
  await run('ctr', ['tasks', 'delete', 'demo-web']);
  forget('web-t');
  title('Remove the container (and its snapshot)');
  await run('ctr', ['containers', 'rm', 'demo-web']);
  forget('web-c');
}

async function crictlPart(image) {
  await section('crictl: a pod with two containers');
  title('CRI works in containerd namespace k8s.io: import the image there too (the blobs are shared)');
  if (!await hasImage(['-n', 'k8s.io'], image)) remember('k8s-image', 'ctr', ['-n', 'k8s.io', 'images', 'rm', image]);
  await run('ctr', ['-n', 'k8s.io', 'images', 'import', 'busybox-oci.tar']);
  await run('crictl', ['images']);

  title('A pod network of the demo\'s own: a bridge, no NAT, no port mapping (BERTH_CNI_CONF_DIR)');
  const net = freeSubnet();
  fs.mkdirSync(path.join(work, 'net.d'));
  showFile(path.join('net.d', '10-demo.conflist'), `${JSON.stringify({
    cniVersion: '1.0.0', name: 'berth-demo',
    plugins: [{
      type: 'bridge', bridge: BRIDGE, isGateway: true, ipMasq: false,
      ipam: { type: 'host-local', ranges: [[{ subnet: `${net}.0/24` }]], dataDir: path.join(state, 'cni', 'demo-ipam') },
    }],
  }, null, 2)}\n`);
  if (!linkExists(BRIDGE)) remember('bridge', 'ip', ['link', 'del', BRIDGE]);

  title('The pod: its config, then run it (namespaces pinned, network set up by CNI)');
  showFile('pod.yaml', [
    'metadata:', '  name: demo', '  namespace: default', '  uid: berth-demo-pod', '  attempt: 0',
    'hostname: demo-pod', `log_directory: ${path.join(work, 'logs')}`, '',
  ].join('\n'));
  const pod = (await run('crictl', ['runp', 'pod.yaml'])).stdout.trim();
  remember('pod', 'crictl', ['rmp', '-f', pod]);
  await run('crictl', ['pods']);
  const info = JSON.parse((await exec('crictl', ['inspectp', pod])).stdout || '{}');
  const ip = info?.status?.network?.ip;

  if (!await implemented('crictl', ['create'])) {
    notYet('crictl create/start/logs/exec (containers in a pod)');
  } else {
    title('Two containers: a web server, and a client that asks it over the pod\'s localhost');
    showFile('web.yaml', [
      'metadata:', '  name: web', 'image:', '  image: busybox',
      'command: ["sh", "-c", "echo hello from the web container of pod $(hostname) > /tmp/index.html; exec httpd -f -v -p 8080 -h /tmp"]',
      'log_path: web.log', '',
    ].join('\n'));
    showFile('client.yaml', [
      'metadata:', '  name: client', 'image:', '  image: busybox',
      'command: ["sh", "-c", "for i in 1 2 3 4 5; do wget -qO- http://localhost:8080/ && break; sleep 1; done; exec sleep 3600"]',
      'log_path: client.log', '',
    ].join('\n'));
    const ids = {};
    for (const name of ['web', 'client']) {
      ids[name] = (await run('crictl', ['create', pod, `${name}.yaml`, 'pod.yaml'])).stdout.trim();
      remember(`c-${name}`, 'crictl', ['rm', '-f', ids[name]]);
      await run('crictl', ['start', ids[name]]);
    }
    title('The pod\'s containers');
    await run('crictl', ['ps']);
    waitForLog(ids.client, /hello from/);
    title('What the client printed (crictl reads the CRI log file)');
    await run('crictl', ['logs', ids.client]);
    title('And the server\'s access log');
    await run('crictl', ['logs', ids.web]);
    title('Run a command inside the client: same hostname, same network as the server');
    await run('crictl', ['exec', ids.client, 'sh', '-c', 'echo "hostname: $(hostname)"; wget -qO- http://127.0.0.1:8080/']);
    if (ip) {
      title(`From the host, through the bridge, to the pod's address ${ip}`);
      await run('/bin/busybox', ['wget', '-qO-', `http://${ip}:8080/`]);
    }
  }

  title('ctr sees crictl\'s objects: the pod and its containers, in namespace k8s.io');
  await run('ctr', ['-n', 'k8s.io', 'containers', 'ls']);
  await run('runc', ['--root', path.join(state, 'runc', 'k8s.io'), 'list']);

  title('Stop the pod: its containers are killed, its network torn down');
  await run('crictl', ['stopp', pod]);
  if (made.some((m) => m.key.startsWith('c-'))) {
    title('Remove the containers, then the pod');
    const cids = made.filter((m) => m.key.startsWith('c-')).map((m) => m.args[2]);
    await run('crictl', ['rm', ...cids]);
    forget('c-web');
    forget('c-client');
  } else {
    title('Remove the pod');
  }
  await run('crictl', ['rmp', pod]);
  forget('pod');
}

async function leftovers() {
  await section('What is left');
  const listings = [
    ['ctr', ['containers', 'ls', '-q']], ['ctr', ['tasks', 'ls', '-q']], ['ctr', ['-n', 'k8s.io', 'containers', 'ls', '-q']],
    ['crictl', ['pods', '-q']], ['crictl', ['ps', '-a', '-q']], ['ctr', ['images', 'ls', '-q']], ['ctr', ['-n', 'k8s.io', 'images', 'ls', '-q']],
    ['runc', ['--root', path.join(state, 'runc', 'default'), 'list', '-q']], ['runc', ['--root', path.join(state, 'runc', 'k8s.io'), 'list', '-q']],
  ];
  let left = 0;
  for (const [tool, args] of listings) {
    const words = args.filter((a, i) => !a.startsWith('-') && !(i > 0 && ['-n', '--root'].includes(args[i - 1])));
    if (tool !== 'runc' && !await implemented(tool, words.slice(0, tool === 'ctr' ? 2 : 1))) continue;
    left += (await run(tool, args, { always: true })).stdout.split('\n').filter(Boolean).length;
  }
  const mounted = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4]).filter((p) => p && (p === work || p.startsWith(`${work}/`)));
  left += mounted.length;
  for (const m of mounted) console.log(`still mounted: ${m}`);
  if (opt.root !== undefined || opt.state !== undefined) {
    // A root or state of the user's may hold objects of its own: only the demo's went.
    console.log(bold('The demo\'s objects are gone; whatever your root and state held before stays.'));
    return mounted.length;
  }
  console.log(left === 0 ? bold('Nothing is left.') : bold(`${left} object(s) left (listed above).`));
  return left;
}

// --- the demo ------------------------------------------------------------------------------
let failed = false;
try {
  if (process.getuid?.() !== 0) throw new Error('the demo runs containers: run it as root');
  if (!fs.existsSync('/bin/busybox')) throw new Error('/bin/busybox is missing: apt-get install busybox-static (npm start does it)');
  console.log(bold('berth demo: runc, ctr and crictl in TypeScript, one state, no daemon'));
  console.log([
    `root:  ${root}  (BERTH_ROOT: images, snapshots, metadata)`,
    `state: ${state}  (BERTH_STATE: tasks, the runtime's state, pods)`,
    `files: ${work}  (the commands below run there)`,
    opt.root === undefined && opt.state === undefined
      ? 'Your /var/lib/berth and /run/berth are not touched. `ctr`, `crictl` and `runc` below are'
      : 'The demo removes only what it makes there. `ctr`, `crictl` and `runc` below are',
    `berth's, from ${path.join(repo, 'bin')} (export PATH=${path.join(repo, 'bin')}:$PATH to try them).`,
  ].join('\n'));

  await section('An image from the host\'s busybox-static');
  title('Build an OCI image archive: /bin/busybox, a link per applet, /etc/passwd (deterministic: same digest every run)');
  console.log('$ node scripts/demo-image.mjs busybox-oci.tar');
  console.log(writeBusyboxArchive(path.join(work, 'busybox-oci.tar')));
  title('Import it (content store, image record, layers unpacked into snapshots)');
  if (!await hasImage([], DEMO_IMAGE)) remember('image', 'ctr', ['images', 'rm', DEMO_IMAGE]);
  await run('ctr', ['images', 'import', 'busybox-oci.tar']);
  await run('ctr', ['images', 'ls']);

  await ctrPart(DEMO_IMAGE);
  await crictlPart(DEMO_IMAGE);
} catch (err) {
  failed = true;
  console.error(err instanceof Interrupted ? `\ndemo: ${err.message}` : `\ndemo failed: ${err.message}`);
} finally {
  await cleanup();
}
let left = 0;
try {
  left = await leftovers();
} catch (err) {
  console.error(`demo: listing what is left failed: ${err.message}`);
  left = 1;
}
const removed = removeWork();
if (!failed && left === 0) console.log(`\n${bold('Done.')} Next: README.md, man ctr / man crictl (man/), and \`npm test\`.`);
if (interrupted) process.exit(128 + os.constants.signals[interrupted]);
process.exitCode = failed || left > 0 || !removed ? 1 : 0;
