// crictl create/start/ps/inspect/logs/exec/stats/stop/rm end to end: containers inside a pod
// sandbox made by crictl runp (pinned namespaces, CNI on a bridge and subnet of this test's own),
// from a busybox image pushed to a local registry. Traffic goes only to the pod made here.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { assertNoLeaks, binPath, childEnv, registerCleanup, runBin, tempDir, trackContainer, trackPid } from '../lib/index.mjs';
import { get } from 'node:http';
import { makeLayout, skipWithoutRegistry, skopeoPush, startRegistry } from '../ctr/registry-lib.mjs';

const CNI_BIN = '/usr/lib/cni';
const skip = skipWithoutRegistry || (!existsSync(join(CNI_BIN, 'bridge')) ? 'containernetworking-plugins not installed' : false);

const tag = process.pid % 100000;
const BRIDGE = `bc${tag}`;
const NET = `10.${200 + ((process.pid + 17) % 50)}.${Math.floor(process.pid / 50) % 250}`;
const links = () => spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map((l) => l.split(':')[1].trim().split('@')[0]);
const mountsUnder = (dir) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4]?.startsWith(dir));
const BB = '/bin/busybox';
// One CRI log line: time, stream, tag, text.
const CRI_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z (stdout|stderr) [FP] .*$/;

describe('crictl containers in a pod', { skip }, () => {
  registerCleanup();
  const work = tempDir('crictl-ctr');
  const root = join(work, 'root');
  const state = join(work, 'state');
  const conf = join(work, 'net.d');
  const logDir = join(work, 'logs');
  const g = ['--berth-root', root, '--berth-state', state];
  const env = { CRI_CONFIG_FILE: null, CONTAINER_RUNTIME_ENDPOINT: null, IMAGE_SERVICE_ENDPOINT: null };
  const crictl = (cmd, args, opts) => runBin('crictl', [...g, cmd, ...args], { timeout: 120_000, env, ...opts });
  let registry;
  let image;
  let pod;
  let podFile;
  const ids = {};
  let bridgeExisted;

  const containerFile = (name, cfg) => {
    const f = join(work, `c-${name}.json`);
    writeFileSync(f, JSON.stringify({ metadata: { name }, image: { image }, log_path: `${name}.log`, ...cfg }));
    return f;
  };
  const create = async (name, cfg) => {
    const r = await crictl('create', [pod, containerFile(name, cfg), podFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
    ids[name] = r.stdout.trim();
    return ids[name];
  };
  /** The pid of the shim parked for a created container's task, or undefined. */
  const parkedShim = (id) => {
    try { return JSON.parse(readFileSync(join(state, 'io.containerd.grpc.v1.cri', 'containers', id, 'shim.json'), 'utf8')).pid; } catch { return undefined; }
  };
  const alive = (pid) => { try { return !/^\S+ \(.*\) [ZX]/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; } };
  const children = (pid) => readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter((x) => x.trim()).map(Number));
  const inspect = async (id) => {
    const r = await crictl('inspect', [id]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const waitFor = async (what, fn, ms = 20_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  before(async () => {
    bridgeExisted = links().includes(BRIDGE);
    mkdirSync(conf, { recursive: true });
    writeFileSync(join(conf, '10-test.conflist'), JSON.stringify({
      cniVersion: '1.0.0', name: `berth-ctest-${tag}`,
      plugins: [{ type: 'bridge', bridge: BRIDGE, isGateway: true, ipMasq: false,
        ipam: { type: 'host-local', ranges: [[{ subnet: `${NET}.0/24` }]], dataDir: join(state, 'ipam') } }],
    }));
    registry = await startRegistry(work);
    makeLayout(work, join(work, 'oci'), [
      { 'bin/busybox': BB },
      { 'www/index.html': Buffer.from('served by berth httpd\n') },
    ], { config: { Cmd: [BB, 'sh'], Env: ['PATH=/bin'] } });
    image = `${registry.host}/test/busybox:1`;
    skopeoPush(join(work, 'oci'), '1', image);
    skopeoPush(join(work, 'oci'), '1', `${registry.host}/test/busybox:2`);
    const p = await crictl('pull', [image]);
    assert.equal(p.code, 0, p.stderr);
    // Whatever a failed test leaves: containers first (rmp refuses a pod that still has some), then pods.
    trackContainer({ tool: 'crictl', id: 'all-pods', deleteArgs: ['rmp', ...g, '-f', '-a'] });
    trackContainer({ tool: 'crictl', id: 'all-containers', deleteArgs: ['rm', ...g, '-f', '-a'] });
  });

  after(async () => {
    await registry?.stop();
    if (!bridgeExisted) spawnSync('ip', ['link', 'del', BRIDGE], { stdio: 'ignore' });
  });

  it('create makes records ctr sees, with the pod\'s namespaces and files in the spec', async () => {
    podFile = join(work, 'pod.json');
    writeFileSync(podFile, JSON.stringify({
      metadata: { name: 'web', namespace: 'berth-test', uid: 'uid-web' }, hostname: 'berth-web', log_directory: logDir,
    }));
    const r = await crictl('runp', ['--cni-conf-dir', conf, '--cni-bin-dir', CNI_BIN, podFile], { env: { ...env, BERTH_TRACE: '1' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^berth-trace \S+ \d+ fast: runp$/m, 'runp without oclif');
    pod = r.stdout.trim();

    await create('server', { command: [BB, 'httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'], labels: { role: 'server' } });
    // The client waits for the server, fetches over the pod's localhost, says whose hostname it has.
    await create('client', {
      command: [BB, 'sh', '-c', `for i in $(${BB} seq 50); do ${BB} wget -q -O - http://127.0.0.1:8080/index.html && break; ${BB} sleep 0.2; done; echo "host=$(${BB} hostname)"; echo to-stderr >&2; exec ${BB} sleep 1000`],
      envs: [{ key: 'GREETING', value: 'hi' }], labels: { role: 'client' },
    });

    const ps = await crictl('ps', ['-a']);
    assert.equal(ps.code, 0, ps.stderr);
    const lines = ps.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^CONTAINER {11}IMAGE +CREATED +STATE +NAME +ATTEMPT +POD ID +POD +NAMESPACE$/);
    assert.equal(lines.length, 3);
    assert.ok(lines[1].startsWith(ids.client.slice(0, 13)), 'newest first');
    assert.match(lines[1], new RegExp(`Created +client +0 +${pod.slice(0, 13)} `));
    // Without -a only running containers are listed.
    assert.equal((await crictl('ps', ['-q'])).stdout, '');
    assert.equal((await crictl('ps', ['-q', '-a', '--label', 'role=server'])).stdout, `${ids.server}\n`);
    assert.equal((await crictl('ps', ['-q', '--name', '^cli', '--state', 'created'])).stdout, `${ids.client}\n`);
    const json = JSON.parse((await crictl('ps', ['-a', '-o', 'json'])).stdout);
    assert.equal(json.containers.length, 2);
    assert.deepEqual(Object.keys(json.containers[0]), ['id', 'podSandboxId', 'metadata', 'image', 'imageRef', 'state', 'createdAt', 'labels', 'annotations', 'imageId']);
    assert.equal(json.containers[0].podSandboxId, pod);
    assert.match(json.containers[0].imageRef, /^sha256:[0-9a-f]{64}$/);

    const ctr = runBin('ctr', ['--root', root, '-n', 'k8s.io', 'containers', 'ls', '-q'], { timeout: 60_000 });
    const seen = (await ctr).stdout.trim().split('\n');
    for (const id of [pod, ids.server, ids.client]) assert.ok(seen.includes(id), `ctr -n k8s.io sees ${id}`);

    const info = await inspect(ids.client.slice(0, 10));
    assert.equal(info.status.state, 'CONTAINER_CREATED');
    assert.equal(info.status.logPath, join(logDir, 'client.log'));
    assert.equal(info.info.sandboxID, pod);
    assert.equal(info.info.snapshotKey, ids.client);
    assert.equal(info.info.runtimeType, 'io.containerd.runc.v2');
    const spec = info.info.runtimeSpec;
    const podInfo = JSON.parse((await crictl('inspectp', [pod])).stdout).info;
    // -o go-template, as scripts use it: the same document through Go's template rules.
    const tp = await crictl('inspectp', ['-o', 'go-template', '--template', '{{.status.state}} {{.info.namespaces.net}}', pod]);
    assert.equal(tp.stdout, `SANDBOX_READY ${podInfo.namespaces.net}\n`, tp.stderr);
    const tc = await crictl('inspect', ['--output', 'go-template', '--template', '{{.info.sandboxID}} {{json .status.labels}}', ids.client]);
    assert.equal(tc.stdout, `${pod} {"role":"client"}\n\n`, tc.stderr);
    const tbad = await crictl('inspect', ['-o', 'go-template', '--template', '{{if .status.state}}', ids.client]);
    assert.equal(tbad.code, 1);
    assert.match(tbad.stderr, /msg="getting the status of the container \\"[0-9a-f]{64}\\": failed to generate go-template: template: tmplExecuteRawJSON:1: unexpected EOF"/);
    const nsPath = (t) => spec.linux.namespaces.find((n) => n.type === t)?.path;
    assert.equal(nsPath('network'), podInfo.namespaces.net);
    assert.equal(nsPath('uts'), podInfo.namespaces.uts);
    assert.equal(nsPath('ipc'), podInfo.namespaces.ipc);
    assert.equal(nsPath('pid'), podInfo.namespaces.pid, 'pid POD: the pod\'s pid namespace');
    assert.ok(spec.linux.namespaces.some((n) => n.type === 'mount' && !n.path));
    const dest = (d) => spec.mounts.find((m) => m.destination === d);
    assert.equal(dest('/etc/hosts').source, podInfo.hostsPath);
    assert.equal(dest('/etc/resolv.conf').source, podInfo.resolvConfPath);
    assert.equal(dest('/dev/shm').source, podInfo.shmPath);
    assert.equal(dest('/run'), undefined, 'no /run tmpfs (containerd drops it)');
    assert.deepEqual(spec.process.args.slice(0, 2), [BB, 'sh']);
    assert.ok(spec.process.env.includes('GREETING=hi') && spec.process.env.includes('HOSTNAME=berth-web') && spec.process.env.includes('PATH=/bin'));
    assert.equal(spec.annotations['io.kubernetes.cri.container-type'], 'container');
    assert.equal(spec.annotations['io.kubernetes.cri.sandbox-id'], pod);
    assert.equal(spec.annotations['io.kubernetes.cri.container-name'], 'client');
    assert.equal(spec.annotations['io.kubernetes.cri.sandbox-name'], 'web');
    assert.ok(spec.process.capabilities.bounding.includes('CAP_NET_RAW') && !spec.process.capabilities.bounding.includes('CAP_SYS_ADMIN'));
  });

  it('start runs both in the pod: localhost and hostname shared, CRI logs on disk and through crictl logs', async () => {
    for (const n of ['server', 'client']) {
      // create parked the task's shim (tasks/parked.ts): alive, holding an init; start hands it the task.
      const shim = parkedShim(ids[n]);
      assert.ok(shim !== undefined && alive(shim), `${n}: a shim parked at create`);
      const r = await crictl('start', [ids[n]], { env: { ...env, BERTH_TRACE: '1' } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${ids[n]}\n`);
      assert.match(r.stderr, /^berth-trace \S+ \d+ task: parked shim taken$/m, n);
      assert.equal(parkedShim(ids[n]), undefined, 'its record gone once taken');
      assert.equal(JSON.parse(readFileSync(join(state, 'io.containerd.runtime.v2.task', 'k8s.io', ids[n], 'shim.json'), 'utf8')).pid, shim, 'the parked shim runs the task');
    }
    const ps = await crictl('ps', ['-q']);
    assert.deepEqual(ps.stdout.trim().split('\n').sort(), [ids.client, ids.server].sort());
    const runc = await runBin('runc', ['--root', join(state, 'runc', 'k8s.io'), 'list', '-q'], { timeout: 60_000 });
    assert.deepEqual(runc.stdout.trim().split('\n').sort(), [ids.client, ids.server].sort(), 'runc sees the same containers');
    // The shim writes the CRI log itself: no other process beside it (there was a log relay).
    const relays = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try { return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('log-relay-main'); } catch { return false; }
    });
    assert.deepEqual(relays, [], 'no CRI log relay process');

    const file = join(logDir, 'client.log');
    const text = await waitFor('the client\'s log', () => existsSync(file) && readFileSync(file, 'utf8').includes('to-stderr') && readFileSync(file, 'utf8'));
    for (const l of text.trimEnd().split('\n')) assert.match(l, CRI_LINE);
    assert.match(text, / stdout F served by berth httpd\n/);
    assert.match(text, / stdout F host=berth-web\n/);
    assert.match(text, / stderr F to-stderr\n/);

    const logs = await crictl('logs', [ids.client]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, 'served by berth httpd\nhost=berth-web\n');
    assert.equal(logs.stderr, 'to-stderr\n');
    const tail = await crictl('logs', ['--tail', '1', '-t', ids.client]);
    assert.match(tail.stderr, /^\d{4}-\d\d-\d\dT\S+Z to-stderr\n$/);
    assert.equal(tail.stdout, '');
    assert.equal((await crictl('logs', ['--since', '1h', ids.client])).stdout, logs.stdout);
    assert.equal((await crictl('logs', ['--since', new Date(Date.now() + 3_600_000).toISOString(), ids.client])).stdout, '');
    assert.equal((await crictl('logs', ['--limit-bytes', '5', ids.client])).stdout, 'serve');
    // The log is the result: our stdout failing ends logs (-f too) with crictl's fatal line, exit 1.
    const full = openSync('/dev/full', 'w');
    try {
      for (const extra of [[], ['-f']]) {
        const r = await crictl('logs', [...extra, ids.client], { stdout: full, timeout: 30_000 });
        assert.equal(r.code, 1, `logs ${extra.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /level=fatal msg="write \/dev\/stdout: no space left on device"/);
      }
    } finally {
      closeSync(full);
    }
    const serverHost = await crictl('exec', ['-s', ids.server, BB, 'hostname']);
    assert.equal(serverHost.stdout, 'berth-web\n');
  });

  it('exec passes the command\'s exit code; inspect shows the running task', async () => {
    const bad = await crictl('exec', ['-s', ids.client, BB, 'sh', '-c', 'echo out; exit 3']);
    assert.equal(bad.code, 3);
    assert.equal(bad.stdout, 'out\n');
    const ok = await crictl('exec', [ids.client, BB, 'true']);
    assert.equal(ok.code, 0, ok.stderr);
    const env = await crictl('exec', ['-s', ids.client, BB, 'sh', '-c', 'echo $GREETING']);
    assert.equal(env.stdout, 'hi\n');
    // -i: our stdin goes to the process; without it, the process reads nothing.
    assert.equal((await crictl('exec', ['-i', ids.client, BB, 'cat'], { input: 'fed\n' })).stdout, 'fed\n');
    assert.equal((await crictl('exec', [ids.client, BB, 'cat'], { input: 'fed\n' })).stdout, '');
    const t0 = Date.now();
    const slow = await crictl('exec', ['--timeout', '1', ids.client, BB, 'sleep', '30']);
    assert.equal(slow.code, 1);
    assert.match(slow.stderr, /timed out after 1s/);
    assert.ok(Date.now() - t0 < 15_000);
    const info = await inspect(ids.client);
    assert.equal(info.status.state, 'CONTAINER_RUNNING');
    assert.ok(info.info.pid > 0);
    assert.notEqual(info.status.startedAt, '1970-01-01T00:00:00Z');
  });

  it('port-forward: localhost inside the pod reached from the host\'s localhost, until SIGINT', async () => {
    // The server listens on the pod's 127.0.0.1:8080 only; :8080 picks a free local port.
    const child = spawn(binPath('crictl'), [...g, 'port-forward', pod.slice(0, 12), ':8080', ':9'], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    trackPid(child.pid);
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { err += b; });
    const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
    const port = Number((await waitFor('the listeners', () => /Forwarding from 127\.0\.0\.1:(\d+) -> 8080\n/.exec(out)))[1]);
    const closed = Number((await waitFor('the second port', () => /Forwarding from 127\.0\.0\.1:(\d+) -> 9\n/.exec(out)))[1]);
    const fetch = (p) => new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port: p, path: '/index.html' }, (res) => {
        let body = '';
        res.on('data', (b) => { body += b; });
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    assert.equal(await fetch(port), 'served by berth httpd\n');
    assert.equal(await fetch(port), 'served by berth httpd\n', 'a second connection');
    assert.match(out, new RegExp(`Handling connection for ${port}\\n[^]*Handling connection for ${port}\\n`));
    // Nothing listens on the pod's port 9: the connection is closed, the error is a klog line, forwarding goes on.
    await assert.rejects(fetch(closed));
    await waitFor('the refusal', () => /^E\d{4} [\d:.]+ +\d+ portforward\.go:\d+\] an error occurred forwarding \d+ -> 9: .*connection refused/m.test(err));
    assert.equal(await fetch(port), 'served by berth httpd\n');
    child.kill('SIGINT');
    assert.deepEqual(await exited, { code: 0, signal: null });
    // Bad input: an unknown pod, a bad port.
    const unknown = await crictl('port-forward', ['nosuchpod', '80']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /level=fatal msg="port forward: rpc error: code = NotFound desc = an error occurred when try to find sandbox \\"nosuchpod\\": not found"/);
    const badPort = await crictl('port-forward', [pod, '80:x']);
    assert.match(badPort.stderr, /msg="port forward: error parsing remote port 'x': strconv.ParseUint: parsing \\"x\\": invalid syntax"/);
  });

  it('ps --image resolves the filter to an image (name, id or id prefix); -r shows a name for an id', async () => {
    const running = (await crictl('ps', ['-q'])).stdout.split('\n').filter(Boolean).sort();
    assert.ok(running.includes(ids.client), 'the client runs');
    const imageId = JSON.parse((await crictl('inspecti', [image])).stdout).status.id;
    assert.match(imageId, /^sha256:[0-9a-f]{64}$/);
    for (const filter of [image, imageId, imageId.slice(7, 19)]) {
      const r = await crictl('ps', ['-q', '--image', filter]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.split('\n').filter(Boolean).sort(), running, filter);
    }
    assert.equal((await crictl('ps', ['-q', '--image', `${registry.host}/test/absent:9`])).stdout, '');
    // A container made from the image's id: its IMAGE column shows the id, with -r the name.
    const byId = await create('by-id', { image: { image: imageId }, command: [BB, 'true'] });
    const row = (args) => crictl('ps', ['-a', '--id', byId, ...args]).then((r) => r.stdout.trimEnd().split('\n')[1]);
    assert.match(await row([]), new RegExp(`^${byId.slice(0, 13)} +${imageId.slice(7, 20)} `));
    assert.match(await row(['-r']), new RegExp(`^${byId.slice(0, 13)} +${image.replace(/[.]/g, '\\.')} `));
    assert.equal((await crictl('rm', [byId])).code, 0);
    delete ids['by-id'];
  });

  it('attach -i: our input to the container\'s stdin, its output back until it exits', async () => {
    // stdin_once: our input's end closes the container's stdin; the attach follows it to its exit.
    await create('reader', { stdin: true, stdin_once: true, command: [BB, 'sh', '-c', 'echo ready; while read x; do echo "got $x"; done; echo eof'] });
    assert.equal((await crictl('start', [ids.reader])).code, 0);
    await waitFor('ready', () => existsSync(join(logDir, 'reader.log')) && readFileSync(join(logDir, 'reader.log'), 'utf8').includes('ready'));
    const a = await crictl('attach', ['-i', ids.reader], { input: 'hello\nbye\n' });
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, 'got hello\ngot bye\neof\n');
    assert.equal((await inspect(ids.reader)).status.exitCode, 0);
    // Without stdin_once the attach ends with our input, and the container runs on (containerd's Attach).
    await create('keeps', { stdin: true, command: [BB, 'sh', '-c', 'while read x; do echo "kept $x"; done; echo eof; exec sleep 1000'] });
    assert.equal((await crictl('start', [ids.keeps])).code, 0);
    const k = await crictl('attach', ['-i', ids.keeps], { input: 'one\n' });
    assert.equal(k.code, 0, k.stderr);
    await waitFor('kept one in the log', () => readFileSync(join(logDir, 'keeps.log'), 'utf8').includes(' stdout F kept one'));
    await sleep(300);
    assert.equal((await inspect(ids.keeps)).status.state, 'CONTAINER_RUNNING');
    assert.ok(!readFileSync(join(logDir, 'keeps.log'), 'utf8').includes(' stdout F eof'), 'its stdin stays open');
    assert.equal((await crictl('rm', ['-f', ids.keeps])).code, 0);
    const noStdin = await crictl('attach', ['-i', ids.client], { input: 'x\n' });
    assert.equal(noStdin.code, 1);
    assert.match(noStdin.stderr, /has no stdin/);
  });

  it('stats gives plausible figures for the running containers', async () => {
    const r = await crictl('stats', ['-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.stats.map((s) => s.attributes.id).sort(), [ids.client, ids.server].sort());
    for (const s of doc.stats) {
      const ws = Number(s.memory.workingSetBytes.value);
      assert.ok(ws > 0 && ws < 512 << 20, `working set ${ws}`);
      assert.ok(Number(s.cpu.usageCoreNanoSeconds.value) > 0);
      assert.ok(Number(s.writableLayer.inodesUsed.value) >= 0);
      // containerd's: the snapshotter's root, page faults from memory.stat, no limit -> 0 available.
      assert.equal(s.writableLayer.fsId.mountpoint, join(root, 'io.containerd.snapshotter.v1.overlayfs'));
      assert.ok(Number(s.memory.pageFaults.value) > 0, JSON.stringify(s.memory));
      assert.ok(Number(s.memory.majorPageFaults.value) >= 0);
      assert.equal(s.memory.availableBytes.value, '0');
    }
    const t = await crictl('stats', [ids.server]);
    const lines = t.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^CONTAINER +NAME +CPU % +MEM +DISK +INODES$/);
    assert.match(lines[1], new RegExp(`^${ids.server.slice(0, 13)} +server +\\d+\\.\\d\\d +[\\d.]+[kMG]?B +[\\d.]+[kMG]?B +\\d+$`));
    const sp = JSON.parse((await crictl('statsp', ['-o', 'json'])).stdout);
    assert.equal(sp.stats.length, 1);
    assert.equal(sp.stats[0].attributes.id, pod);
    assert.equal(sp.stats[0].linux.containers.length, 2);
    const podLinux = sp.stats[0].linux;
    assert.ok(Number(podLinux.process.processCount.value) >= 2, JSON.stringify(podLinux.process));
    assert.ok(Number(podLinux.memory.usageBytes.value) >= Number(podLinux.memory.workingSetBytes.value));
    // The pod network's eth0, read through one of its containers (the client fetched from the server).
    assert.equal(podLinux.network.defaultInterface.name, 'eth0');
    assert.ok(Number(podLinux.network.defaultInterface.rxBytes.value) > 0, JSON.stringify(podLinux.network));
  });

  it('stop: the stop signal first, SIGKILL after the grace period', async () => {
    await create('traps', { command: [BB, 'sh', '-c', `trap 'echo got-term; exit 7' TERM; while :; do ${BB} sleep 0.1; done`] });
    await create('ignores', { command: [BB, 'sh', '-c', `trap '' TERM; while :; do ${BB} sleep 0.1; done`] });
    for (const n of ['traps', 'ignores']) assert.equal((await crictl('start', [ids[n]])).code, 0);
    await new Promise((r) => setTimeout(r, 500));

    let t0 = Date.now();
    const s1 = await crictl('stop', ['-t', '20', ids.traps]);
    assert.equal(s1.code, 0, s1.stderr);
    assert.ok(Date.now() - t0 < 10_000, 'a container that honours TERM stops before the timeout');
    let info = await inspect(ids.traps);
    assert.equal(info.status.state, 'CONTAINER_EXITED');
    assert.equal(info.status.exitCode, 7);
    assert.equal(info.status.reason, 'Error');
    await waitFor('got-term in the log', () => readFileSync(join(logDir, 'traps.log'), 'utf8').includes(' stdout F got-term'));

    t0 = Date.now();
    const s2 = await crictl('stop', ['--timeout', '2', ids.ignores]);
    assert.equal(s2.code, 0, s2.stderr);
    assert.ok(Date.now() - t0 >= 2000, 'SIGKILL only after the grace period');
    info = await inspect(ids.ignores);
    assert.equal(info.status.state, 'CONTAINER_EXITED');
    assert.equal(info.status.exitCode, 137);
    // Exited tasks are deleted (as containerd does): runc forgets them.
    await waitFor('runc to forget the stopped ones', async () => {
      const l = (await runBin('runc', ['--root', join(state, 'runc', 'k8s.io'), 'list', '-q'], { timeout: 60_000 })).stdout.trim().split('\n');
      return !l.includes(ids.traps) && !l.includes(ids.ignores);
    });
    assert.equal((await crictl('stop', [ids.ignores])).code, 0, 'stopping a stopped container is fine');
  });

  it('a container removed without a start: the shim parked for it and the init it held exit (crictl rm, ctr c rm)', async () => {
    for (const [name, remove] of [
      ['never1', (id) => crictl('rm', [id])],
      ['never2', (id) => runBin('ctr', ['--root', root, '--state', state, '-n', 'k8s.io', 'containers', 'rm', id], { timeout: 60_000 })],
    ]) {
      const id = await create(name, { command: [BB, 'true'] });
      const shim = parkedShim(id);
      assert.ok(shim !== undefined && alive(shim), 'parked at create');
      let held = [];
      for (let i = 0; i < 50 && held.length === 0; i += 1) { held = children(shim); if (held.length === 0) await sleep(20); }
      assert.equal(held.length, 1, 'it holds the init stage it started');
      const r = await remove(id);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(alive(shim), false, 'the parked shim is gone when rm returns');
      for (let i = 0; i < 50 && alive(held[0]); i += 1) await sleep(20);
      assert.equal(alive(held[0]), false, 'and its init');
      assert.equal(existsSync(join(state, 'io.containerd.grpc.v1.cri', 'containers', id)), false, 'its state directory too');
      delete ids[name];
    }
  });

  it('rm waits for a start (or a remove) under way: the container\'s lock', async () => {
    const id = await create('locked', { command: [BB, 'true'] });
    const lock = join(state, 'io.containerd.grpc.v1.cri', 'containers', `${id}.lock`);
    // Held by a process of ours as a start would hold it; its own process group, ended by pid.
    const holder = spawn('flock', [lock, '-c', 'echo held; exec sleep 60'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await new Promise((resolve, reject) => { holder.stdout.once('data', resolve); holder.once('exit', reject); });
      let done = false;
      const rm = crictl('rm', [id]).then((r) => { done = true; return r; });
      await sleep(700);
      assert.equal(done, false, 'rm waits while the lock is held');
      assert.ok((await crictl('ps', ['-aq'])).stdout.includes(id), 'the container is still there');
      process.kill(-holder.pid, 'SIGKILL');
      const r = await rm;
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!(await crictl('ps', ['-aq'])).stdout.includes(id), 'removed once the lock was free');
      assert.equal(existsSync(lock), false, 'its lock file goes with it');
      delete ids.locked;
    } finally {
      try { process.kill(-holder.pid, 'SIGKILL'); } catch { /* gone */ }
    }
  });

  it('faults: unknown image, ambiguous id prefix, rm of a running container without -f', async () => {
    const before = (await crictl('ps', ['-aq'])).stdout;
    const unknown = await crictl('create', [pod, containerFile('nope', { image: { image: `${registry.host}/test/absent:1` } }), podFile]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /level=fatal msg="creating container: rpc error: code = NotFound desc = failed to resolve image .*absent:1.*not found/);
    assert.equal(unknown.stderr.trim().split('\n').length, 1);
    assert.equal((await crictl('ps', ['-aq'])).stdout, before, 'no record left');

    // pull-image-on-create in crictl.yaml: create pulls what is missing.
    const yaml = join(work, 'crictl.yaml');
    writeFileSync(yaml, 'pull-image-on-create: true\n');
    const pulled = await crictl('create', ['-c', yaml, pod, containerFile('pulled', { image: { image: `${registry.host}/test/busybox:2` }, command: [BB, 'true'] }), podFile]);
    assert.equal(pulled.code, 0, pulled.stderr);
    ids.pulled = pulled.stdout.trim();
    assert.match((await crictl('images', [])).stdout, /test\/busybox +2 /);

    const noName = await crictl('create', [pod, containerFile('', {}), podFile]);
    assert.equal(noName.code, 1);
    assert.match(noName.stderr, /metadata\.name is missing/);

    // Created containers until two share their first hex digit (at most 17 by pigeonhole).
    const all = () => crictl('ps', ['-aq']).then((r) => r.stdout.trim().split('\n'));
    let prefix;
    for (let i = 0; !prefix; i++) {
      const list = await all();
      prefix = [...'0123456789abcdef'].find((c) => list.filter((id) => id.startsWith(c)).length > 1);
      if (!prefix) await create(`extra${i}`, { command: [BB, 'true'] });
    }
    const amb = await crictl('inspect', [prefix]);
    assert.equal(amb.code, 1);
    assert.match(amb.stderr, /ambiguous/);

    const rm = await crictl('rm', [ids.server]);
    assert.equal(rm.code, 1);
    assert.match(rm.stderr, /level=error msg="container \\".*\\" is running, please stop it first"\n.*level=fatal msg="unable to remove container\(s\)"\n$/);
    assert.equal((await inspect(ids.server)).status.state, 'CONTAINER_RUNNING');
    const rmf = await crictl('rm', ['-f', ids.server]);
    assert.equal(rmf.code, 0, rmf.stderr);
    assert.equal(rmf.stdout, `${ids.server}\n`);
    assert.ok(!existsSync(join(logDir, 'server.log')), 'its log goes with it');
  });

  it('faults of session 9: a log directory that cannot be made fails start at once; a container whose shim died is stopped', async () => {
    // Node's recursive mkdir spins forever on /proc: start hung with its shim at 100% CPU.
    const badLog = await create('badlog', { command: [BB, 'true'], log_path: `${'../'.repeat(30)}proc/berth-nope-${process.pid}/c.log` });
    const t0 = Date.now();
    const st = await crictl('start', [badLog], { timeout: 30_000 });
    assert.equal(st.timedOut, false, 'start returned');
    assert.equal(st.code, 1);
    assert.match(st.stderr, /failed to create container loggers: failed to create and open log file: mkdir \/proc\/berth-nope-\d+: no such file or directory/);
    assert.ok(Date.now() - t0 < 20_000);
    assert.equal((await crictl('rm', [badLog])).code, 0);
    // A running container whose shim is killed: Unknown; stop signals it and records containerd's exit.
    const orphan = await create('orphan', { command: [BB, 'sleep', '1000'] });
    assert.equal((await crictl('start', [orphan])).code, 0);
    const shim = JSON.parse(readFileSync(join(state, 'io.containerd.runtime.v2.task', 'k8s.io', orphan, 'shim.json'), 'utf8')).pid;
    const pid = (await inspect(orphan)).info.pid;
    process.kill(shim, 'SIGKILL');
    await waitFor('the shim\'s death', async () => (await inspect(orphan)).status.state === 'CONTAINER_UNKNOWN');
    const stop = await crictl('stop', ['-t', '1', orphan]);
    assert.equal(stop.code, 0, stop.stderr);
    const done = (await inspect(orphan)).status;
    assert.deepEqual([done.state, done.exitCode, done.reason], ['CONTAINER_EXITED', 255, 'Unknown']);
    assert.equal(alive(pid), false, 'its process is gone');
    assert.equal((await crictl('rm', [orphan])).code, 0);
  });

  it('a tty container: its pty relayed into the CRI log by its shim, exit recorded, task deleted', async () => {
    const id = await create('tty', { tty: true, command: [BB, 'sh', '-c', 'test -t 1 && echo on a tty; exit 4'] });
    assert.equal((await crictl('start', [id])).code, 0);
    const done = await waitFor('the tty container\'s exit', async () => {
      const st = (await inspect(id)).status;
      return st.state === 'CONTAINER_EXITED' && st;
    });
    assert.equal(done.exitCode, 4);
    // EXITED shows from the task's exit record; the shim then completes the log, records the exit
    // in the CRI status and deletes the task (a failed record keeps the task for the views): the
    // deletion, and with it the log's last piece, may follow by a moment.
    await waitFor('the task deleted on exit', () => !existsSync(join(state, 'io.containerd.runtime.v2.task', 'k8s.io', id)));
    const text = readFileSync(join(logDir, 'tty.log'), 'utf8');
    for (const l of text.trimEnd().split('\n')) assert.match(l, CRI_LINE);
    assert.match(text, / stdout F on a tty\r?\n/);
    // --keep-logs: the log and its rotations stay (crictl removes them itself otherwise).
    writeFileSync(join(logDir, 'tty.log.1'), 'rotated\n');
    const rm = await crictl('rm', ['-k', id]);
    assert.equal(rm.code, 0, rm.stderr);
    assert.ok(existsSync(join(logDir, 'tty.log')) && existsSync(join(logDir, 'tty.log.1')), 'the logs kept');
    // An unknown id among others: the others are removed, each failure logged, one fatal line.
    const other = await create('rm-other', { command: [BB, 'true'] });
    const mixed = await crictl('rm', ['ffffffffffff0000', other]);
    assert.equal(mixed.code, 1);
    assert.equal(mixed.stdout, `${other}\n`);
    assert.match(mixed.stderr, /level=error msg="rpc error: code = NotFound desc = an error occurred when try to find container \\"ffffffffffff0000\\": not found"\n.*level=fatal msg="unable to remove container\(s\)"\n$/);
  });

  it('run makes pod, container and task in one; update reaches the cgroup; logs -f ends with the container', async () => {
    const runPod = join(work, 'run-pod.yaml');
    // YAML works as well as JSON.
    writeFileSync(runPod, `metadata:\n  name: runner\n  namespace: berth-test\n  uid: uid-runner\nlog_directory: ${logDir}/runner\nlinux:\n  security_context:\n    namespace_options:\n      pid: 1\n`);
    const cfg = containerFile('runner', { command: [BB, 'sh', '-c', `echo one; ${BB} sleep 2; echo two; ${BB} sleep 1000`] });
    const r = await crictl('run', ['--cni-conf-dir', conf, '--cni-bin-dir', CNI_BIN, cfg, runPod]);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    ids.runner = id;
    const info = await inspect(id);
    assert.equal(info.status.state, 'CONTAINER_RUNNING');
    const runPodId = info.info.sandboxID;
    assert.notEqual(runPodId, pod);
    // pid CONTAINER: a pid namespace of its own, not a path.
    assert.ok(info.info.runtimeSpec.linux.namespaces.some((n) => n.type === 'pid' && !n.path));

    const u = await crictl('update', ['--memory', String(64 << 20), '--cpu-share', '512', id]);
    assert.equal(u.code, 0, u.stderr);
    const limit = ['/sys/fs/cgroup/memory/k8s.io', '/sys/fs/cgroup/k8s.io'].map((d) => join(d, id)).find((d) => existsSync(d));
    if (limit?.includes('/memory/')) assert.equal(readFileSync(join(limit, 'memory.limit_in_bytes'), 'utf8').trim(), String(64 << 20));
    // No swap beyond the limit where swap is accounted (containerd's WithResources).
    if (limit?.includes('/memory/') && existsSync(join(limit, 'memory.memsw.limit_in_bytes'))) assert.equal(readFileSync(join(limit, 'memory.memsw.limit_in_bytes'), 'utf8').trim(), String(64 << 20));
    else if (limit && existsSync(join(limit, 'memory.swap.max'))) assert.equal(readFileSync(join(limit, 'memory.swap.max'), 'utf8').trim(), '0');
    else if (limit) assert.equal(readFileSync(join(limit, 'memory.max'), 'utf8').trim(), String(64 << 20));
    const after = await inspect(id);
    assert.equal(after.info.runtimeSpec.linux.resources.memory.limit, 64 << 20);
    assert.equal(after.info.config.linux.resources.memory_limit_in_bytes, 64 << 20);
    // containerd's status.resources: the spec's limits, int64 as protobuf JSON strings.
    assert.equal(after.status.resources.linux.memoryLimitInBytes, String(64 << 20));
    assert.equal(after.status.resources.linux.cpuShares, '512');
    assert.equal(after.status.resources.windows, null);

    // Follow: what is there, what comes, and the end when the container stops.
    const follow = crictl('logs', ['-f', id]);
    await waitFor('two in the log', () => readFileSync(join(logDir, 'runner', 'runner.log'), 'utf8').includes(' stdout F two'));
    assert.equal((await crictl('stop', [id])).code, 0);
    const f = await follow;
    assert.equal(f.code, 0, f.stderr);
    assert.equal(f.stdout, 'one\ntwo\n');
    // An exited container can be updated too (its spec only), as containerd allows.
    const late = await crictl('update', ['--memory', String(32 << 20), id]);
    assert.equal(late.code, 0, late.stderr);
    assert.equal((await inspect(id)).status.resources.linux.memoryLimitInBytes, String(32 << 20));

    // As containerd's CRI plugin: removing the pod removes its container too.
    const rmp = await crictl('rmp', ['-f', runPodId]);
    assert.equal(rmp.code, 0, rmp.stderr);
    assert.ok(!(await crictl('ps', ['-aq'])).stdout.includes(id), 'the pod\'s container went with it');
    delete ids.runner;
  });

  it('logs: a long line cut into P pieces comes out once and whole beside the other stream; an unended last line stays unended', async () => {
    // 20000 bytes are a 16 KiB P piece and the rest; stderr lines come while the line is open.
    const script = `${BB} head -c 20000 /dev/zero | ${BB} tr '\\0' a; ${BB} sleep 0.5; echo err1 >&2; ${BB} sleep 0.5; echo err2 >&2; ${BB} sleep 0.5; echo; echo done; printf tail-no-nl; exec ${BB} sleep 1000`;
    const id = await create('pieces', { command: [BB, 'sh', '-c', script] });
    assert.equal((await crictl('start', [id])).code, 0);
    await waitFor('the log', () => existsSync(join(logDir, 'pieces.log')));
    const follow = crictl('logs', ['-f', id]);
    await waitFor('done in the log', () => readFileSync(join(logDir, 'pieces.log'), 'utf8').includes(' stdout F done'));
    assert.equal((await crictl('stop', [id])).code, 0);
    const f = await follow;
    assert.equal(f.code, 0, f.stderr);
    const expected = `${'a'.repeat(20000)}\ndone\ntail-no-nl`;
    assert.equal(f.stdout, expected);
    assert.equal(f.stderr, 'err1\nerr2\n', 'each stderr line once');
    const text = readFileSync(join(logDir, 'pieces.log'), 'utf8');
    assert.match(text, / stdout P tail-no-nl\n$/, 'the unended last line is a P line, as containerd writes it');
    const all = await crictl('logs', [id]);
    assert.deepEqual([all.stdout, all.stderr], [expected, 'err1\nerr2\n']);
    // --tail counts the file's lines (a P piece is one), as kubelet; -t stamps a line once.
    assert.equal((await crictl('logs', ['--tail', '2', id])).stdout, 'done\ntail-no-nl');
    const stamped = await crictl('logs', ['-t', '--tail', '6', id]);
    assert.match(stamped.stdout, /^\S+Z a{20000}\n\S+Z done\n\S+Z tail-no-nl$/);
    // -p: the previous attempt's log beside this one's, as crictl names it; attempt 0 has none.
    mkdirSync(join(logDir, 'again'), { recursive: true });
    writeFileSync(join(logDir, 'again', '0.log'), '2026-11-27T10:00:00.000000000Z stdout F first run\n');
    const again = await create('again', { metadata: { name: 'again', attempt: 1 }, log_path: 'again/1.log', command: [BB, 'true'] });
    const prev = await crictl('logs', ['-p', again]);
    assert.deepEqual([prev.code, prev.stdout], [0, 'first run\n'], prev.stderr);
    const none = await crictl('logs', ['--previous', id]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /previous terminated container pieces not found/);
    assert.equal((await crictl('rm', [again])).code, 0);
  });

  it('logs -f and attach end when their reader goes (status 141, as Go\'s SIGPIPE); logs -f ends quietly on SIGINT', async () => {
    const id = await create('ticker', { stdin: true, command: [BB, 'sh', '-c', `while :; do echo tick; ${BB} sleep 0.2; done`] });
    assert.equal((await crictl('start', [id])).code, 0);
    for (const cmd of [['logs', '-f', id], ['attach', id]]) {
      const p = spawn(binPath('crictl'), [...g, ...cmd], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
      trackPid(p.pid);
      await new Promise((resolve) => p.stdout.once('data', resolve));
      p.stdout.destroy();
      const code = await Promise.race([new Promise((resolve) => p.on('exit', (c, sig) => resolve(c ?? sig))), sleep(10_000).then(() => 'still running')]);
      if (code === 'still running') p.kill('SIGKILL');
      assert.equal(code, 141, cmd.join(' '));
    }
    const p = spawn(binPath('crictl'), [...g, 'logs', '-f', id], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    trackPid(p.pid);
    await new Promise((resolve) => p.stdout.once('data', resolve));
    p.kill('SIGINT');
    assert.equal(await new Promise((resolve) => p.on('exit', (c, sig) => resolve(c ?? sig))), 0);
    // stop -t with a negative grace period kills at once, as containerd's StopContainer.
    const t0 = Date.now();
    assert.equal((await crictl('stop', ['-t', '-1', id])).code, 0);
    assert.ok(Date.now() - t0 < 10_000);
    assert.equal((await inspect(id)).status.exitCode, 137);
    assert.equal((await crictl('rm', [id])).code, 0);
  });

  it('an OOM kill is the container\'s reason, OOMKilled; exec -t wants -i and a terminal, as crictl', async () => {
    const id = await create('hog', { command: [BB, 'tail', '/dev/zero'], linux: { resources: { memory_limit_in_bytes: 24 << 20 } } });
    assert.equal((await crictl('start', [id])).code, 0);
    const st = await waitFor('the OOM kill', async () => { const i = await inspect(id); return i.status.state === 'CONTAINER_EXITED' && i.status; }, 60_000);
    assert.deepEqual([st.exitCode, st.reason], [137, 'OOMKilled']);
    assert.equal((await crictl('rm', [id])).code, 0);
    const noI = await crictl('exec', ['-t', ids.client, BB, 'true']);
    assert.equal(noI.code, 1);
    assert.match(noI.stderr, /tty=true must be specified with interactive=true/);
    const noTty = await crictl('exec', ['-it', ids.client, BB, 'true'], { input: '' });
    assert.equal(noTty.code, 1);
    assert.match(noTty.stderr, /input is not a terminal/);
  });

  it('runp, create, start, stopp and rmp answer without oclif as through it', async () => {
    // Refusals, with oclif's path forced and not (the logrus line's time aside).
    const noTime = (t) => t.replace(/^time="[^"]*"/gm, 'time=""');
    const refusals = [
      ['runp', join(work, 'no-such-pod.json')], ['create', 'no-such-pod', containerFile('nopod', {}), podFile],
      ['create', pod, join(work, 'no-such-container.json'), podFile],
      ['start', 'no-such-container'], ['stopp', 'no-such-pod'], ['rmp', 'no-such-pod'], ['rmp', '-f', 'no-such-pod'], ['start', ids.server],
    ];
    for (const args of refusals) {
      const fast = await crictl(args[0], args.slice(1), { env: { ...env, BERTH_TRACE: '1' } });
      const oclif = await crictl(args[0], args.slice(1), { env: { ...env, BERTH_FAST: 'off' } });
      assert.match(fast.stderr, new RegExp(`^berth-trace \\S+ \\d+ fast: ${args[0]}$`, 'm'), args.join(' '));
      const stderr = fast.stderr.split('\n').filter((l) => !l.startsWith('berth-trace ')).join('\n');
      assert.equal(fast.code, 1, `${args.join(' ')}: ${stderr}`);
      assert.deepEqual([fast.code, fast.stdout, noTime(stderr)], [oclif.code, oclif.stdout, noTime(oclif.stderr)], args.join(' '));
    }
    // What the fast path leaves to oclif: an unknown flag, -D, too few arguments (not -a here: it would remove the pod).
    for (const args of [['rmp', '--bogus', 'x'], ['stopp', '-D', 'no-such-pod'], ['stopp'], ['runp'], ['create', pod, podFile], ['runp', '--bogus', podFile]]) {
      const r = await crictl(args[0], args.slice(1), { env: { ...env, BERTH_TRACE: '1' } });
      assert.doesNotMatch(r.stderr, /fast: /, args.join(' '));
    }
  });

  it('ps and pods in their plain forms answer without oclif as through it', async () => {
    // The CREATED column may cross a second between the two calls, and with it its width (59 seconds
    // ago, About a minute ago): the padding that follows is collapsed too.
    const ago = (t) => t.replace(/(\d+ \w+|Less than a second|About an? \w+) ago/g, 'X ago').replace(/ {2,}/g, '  ');
    for (const args of [['ps'], ['ps', '-a'], ['ps', '-q'], ['ps', '-a', '-q'], ['ps', '-aq'], ['ps', '-qa', '--no-trunc'], ['ps', '--no-trunc'], ['pods'], ['pods', '-q'], ['pods', '--no-trunc']]) {
      const fast = await crictl(args[0], args.slice(1), { env: { ...env, BERTH_TRACE: '1' } });
      const oclif = await crictl(args[0], args.slice(1), { env: { ...env, BERTH_FAST: 'off' } });
      assert.match(fast.stderr, new RegExp(`^berth-trace \\S+ \\d+ fast: ${args[0]}$`, 'm'), args.join(' '));
      assert.equal(fast.code, 0, args.join(' '));
      assert.ok(fast.stdout.split('\n').filter(Boolean).length >= (args.includes('-q') ? 1 : 2), `${args.join(' ')} lists nothing`);
      assert.deepEqual([fast.code, ago(fast.stdout)], [oclif.code, ago(oclif.stdout)], args.join(' '));
    }
    // Left to oclif: another output, a filter, ps's own -r, -D.
    for (const args of [['ps', '-o', 'json'], ['ps', '--name', 'x'], ['ps', '-r'], ['pods', '--label', 'a=b'], ['pods', '-D']]) {
      const r = await crictl(args[0], args.slice(1), { env: { ...env, BERTH_TRACE: '1' } });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /fast: /, args.join(' '));
    }
    // A group holding a letter that is no switch of the command, or one twice: oclif's, answered as with the fast path off.
    for (const args of [['ps', '-av'], ['ps', '-aa'], ['pods', '-aq']]) {
      const r = await crictl(args[0], args.slice(1), { env: { ...env, BERTH_TRACE: '1' } });
      const oclif = await crictl(args[0], args.slice(1), { env: { ...env, BERTH_FAST: 'off' } });
      assert.doesNotMatch(r.stderr, /fast: /, args.join(' '));
      assert.deepEqual([r.code, ago(r.stdout)], [oclif.code, ago(oclif.stdout)], args.join(' '));
    }
  });

  it('stopp stops the pod\'s containers; rm -a, rmp leave nothing', async () => {
    // One never started: its parked shim holds an init in the pod's PID namespace, which stopp ends.
    const parked = parkedShim(await create('parked-at-stopp', { command: [BB, 'true'] }));
    assert.ok(parked !== undefined && alive(parked), 'parked at create');
    const s = await crictl('stopp', [pod], { env: { ...env, BERTH_TRACE: '1' } });
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stderr, /^berth-trace \S+ \d+ fast: stopp$/m);
    assert.equal((await crictl('ps', ['-q'])).stdout, '', 'nothing runs after stopp');
    await waitFor('the parked shim to reap the init killed with the pod', () => children(parked).every(alive), 5_000);
    assert.equal((await inspect(ids.client)).status.state, 'CONTAINER_EXITED');
    const rm = await crictl('rm', ['-a']);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal((await crictl('ps', ['-aq'])).stdout, '');
    const rmp = await crictl('rmp', [pod]);
    assert.equal(rmp.code, 0, rmp.stderr);
    const ctr = await runBin('ctr', ['--root', root, '-n', 'k8s.io', 'containers', 'ls', '-q'], { timeout: 60_000 });
    assert.equal(ctr.stdout, '');
    const snaps = await runBin('ctr', ['--root', root, '-n', 'k8s.io', 'snapshots', 'ls'], { timeout: 60_000 });
    assert.equal(snaps.stdout.trim().split('\n').filter((l) => / Active$/.test(l.trim())).length, 0, 'no active snapshot left');
    const taskNs = join(state, 'io.containerd.runtime.v2.task', 'k8s.io');
    assert.deepEqual(existsSync(taskNs) ? readdirSync(taskNs) : [], []);
    assert.deepEqual(mountsUnder(state), []);
    // Other tests may make links meanwhile: ours are the veths on our bridge.
    const onBridge = spawnSync('ip', ['-o', 'link', 'show', 'master', BRIDGE], { encoding: 'utf8' }).stdout.trim();
    assert.equal(onBridge, '', 'no veth left on the pod bridge');
    for (const id of Object.values(ids)) assert.ok(!existsSync(`/sys/fs/cgroup/memory/k8s.io/${id}`) && !existsSync(`/sys/fs/cgroup/unified/k8s.io/${id}`), `cgroup of ${id} removed`);
    assertNoLeaks();
  });
});
