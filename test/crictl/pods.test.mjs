// crictl runp/pods/inspectp/stopp/rmp end to end: pod sandboxes with pinned namespaces and real
// CNI networking (Debian's bridge, host-local, portmap, loopback plugins) on a bridge and subnet
// of this test's own. Traffic goes only to the pods made here.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRequire } from 'node:module';
import {
  REPO_ROOT, assertNoLeaks, registerCleanup, runBin, tempDir, trackContainer, trackPid,
} from '../lib/index.mjs';
import { freePort, httpStatus } from '../lib/net.mjs';

const CNI_BIN = '/usr/lib/cni';
const BUSYBOX = '/bin/busybox';
const skip = !existsSync(join(CNI_BIN, 'bridge')) ? 'containernetworking-plugins not installed'
  : !existsSync(BUSYBOX) ? 'busybox-static not installed' : false;

// A bridge name (<= 15 chars) and a /24 of this test process only.
const tag = process.pid % 100000;
const BRIDGE = `bt${tag}`;
const NET = `10.${200 + (process.pid % 50)}.${Math.floor(process.pid / 50) % 250}`;

const vethsOnBridge = () => spawnSync('ip', ['-o', 'link', 'show', 'master', BRIDGE], { encoding: 'utf8' }).stdout.trim();
const links = () => spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map((l) => l.split(':')[1].trim().split('@')[0]);
// iptables rules that name one of our networks or pods (portmap's shared CNI-HOSTPORT-* chains
// are meant to stay, as on any CNI host).
const rulesMentioning = (...needles) => ['nat', 'filter'].map((t) => spawnSync('iptables-save', ['-t', t], { encoding: 'utf8' }).stdout).join('\n')
  .split('\n').filter((l) => l.startsWith('-A ') && needles.some((n) => l.includes(n)));
const mountsUnder = (dir) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4]?.startsWith(dir));

/** The process has exited (a zombie waiting for its new parent to reap it counts). */
async function gone(pid) {
  for (let i = 0; i < 50; i += 1) {
    let stat;
    try { stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return true; }
    if (/^\d+ \(.*\) [ZX] /.test(stat)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function podConfig(name, extra = {}) {
  return { metadata: { name, namespace: 'berth-test', uid: `uid-${name}`, attempt: 0 }, ...extra };
}

function httpGet(url) {
  return new Promise((resolve, reject) => {
    const r = http.get(url, { timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    r.on('error', reject);
    r.on('timeout', () => r.destroy(new Error('timeout')));
  });
}

describe('crictl pod sandboxes', { skip }, () => {
  registerCleanup();
  const work = tempDir('pods');
  const root = join(work, 'root');
  const state = join(work, 'state');
  const conf = join(work, 'net.d');
  // berth's own global flags (pods' --state is crictl's pod-state filter).
  const g = ['--berth-root', root, '--berth-state', state];
  const crictl = (cmd, args, opts) => runBin('crictl', [...g, cmd, ...args], { timeout: 120_000, ...opts });
  const files = {};
  let bridgeExisted;
  const hostPort = { value: 0 };

  const writeConf = (dir, plugins) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '10-test.conflist'), JSON.stringify({
      cniVersion: '1.0.0', name: `berth-test-${tag}`,
      plugins: [
        { type: 'bridge', bridge: BRIDGE, isGateway: true, ipMasq: true, hairpinMode: true,
          ipam: { type: 'host-local', ranges: [[{ subnet: `${NET}.0/24` }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: join(state, 'ipam') } },
        ...plugins,
      ],
    }));
  };
  const podFile = (name, cfg) => {
    const f = join(work, `${name}.json`);
    writeFileSync(f, JSON.stringify(cfg));
    files[name] = f;
    return f;
  };
  const inspect = async (id) => {
    const r = await crictl('inspectp', [id]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const runp = async (file, dir = conf) => {
    const r = await crictl('runp', ['--cni-conf-dir', dir, '--cni-bin-dir', CNI_BIN, file]);
    return { ...r, id: r.stdout.trim() };
  };

  before(async () => {
    bridgeExisted = links().includes(BRIDGE);
    writeConf(conf, [{ type: 'portmap', capabilities: { portMappings: true } }]);
    hostPort.value = await freePort();
    // crictl rmp -f -a for this root, whatever a failed test leaves.
    trackContainer({ tool: 'crictl', id: 'all-pods', deleteArgs: ['rmp', ...g, '-f', '-a'] });
  });

  after(() => {
    if (!bridgeExisted) spawnSync('ip', ['link', 'del', BRIDGE], { stdio: 'ignore' });
  });

  let a;
  let b;
  let infoA;
  let infoB;

  it('runp makes two pods on the bridge; pods and inspectp show them', async () => {
    const ra = await runp(podFile('a', podConfig('pod-a', {
      hostname: 'pod-a-host',
      dns_config: { servers: ['10.0.0.10'], searches: ['svc.berth.test'], options: ['ndots:5'] },
      port_mappings: [{ container_port: 8080, host_port: hostPort.value, host_ip: '127.0.0.1' }],
      labels: { app: 'berth-test', which: 'a' },
      linux: { sysctls: { 'net.ipv4.ip_unprivileged_port_start': '80' } },
    })));
    assert.equal(ra.code, 0, ra.stderr);
    assert.match(ra.id, /^[0-9a-f]{64}$/);
    a = ra.id;
    const rb = await runp(podFile('b', podConfig('pod-b', {
      hostname: 'pod-b-host', labels: { app: 'berth-test', which: 'b' },
      linux: { security_context: { namespace_options: { pid: 'CONTAINER' } } },
    })));
    assert.equal(rb.code, 0, rb.stderr);
    b = rb.id;

    const ls = await crictl('pods', []);
    assert.equal(ls.code, 0, ls.stderr);
    const lines = ls.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^POD ID {14}CREATED +STATE {15}NAME {16}NAMESPACE {11}ATTEMPT {13}RUNTIME$/);
    assert.equal(lines.length, 3);
    // Newest first; ids truncated to 13.
    assert.ok(lines[1].startsWith(`${b.slice(0, 13)}   `), lines[1]);
    assert.match(lines[1], /Ready +pod-b +berth-test +0 +\(default\)$/);
    assert.match(lines[2], /ago +Ready +pod-a/);

    const q = await crictl('pods', ['-q', '--label', 'which=a']);
    assert.equal(q.stdout, `${a}\n`);
    const byName = await crictl('pods', ['--name', '^pod-b$', '-o', 'json']);
    const doc = JSON.parse(byName.stdout);
    assert.equal(doc.items.length, 1);
    assert.deepEqual(Object.keys(doc.items[0]), ['id', 'metadata', 'state', 'createdAt', 'labels', 'annotations', 'runtimeHandler']);
    assert.equal(doc.items[0].state, 'SANDBOX_READY');
    assert.match(doc.items[0].createdAt, /^\d{19}$/);

    infoA = await inspect(a.slice(0, 12));
    infoB = await inspect(b);
    const st = infoA.status;
    assert.deepEqual(Object.keys(st), ['id', 'metadata', 'state', 'createdAt', 'network', 'linux', 'labels', 'annotations', 'runtimeHandler']);
    assert.equal(st.id, a);
    assert.deepEqual(st.metadata, { attempt: 0, name: 'pod-a', namespace: 'berth-test', uid: 'uid-pod-a' });
    assert.equal(st.state, 'SANDBOX_READY');
    assert.match(st.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.ok(st.network.ip.startsWith(`${NET}.`), st.network.ip);
    assert.ok(infoB.status.network.ip.startsWith(`${NET}.`));
    assert.notEqual(st.network.ip, infoB.status.network.ip);
    assert.deepEqual(st.linux.namespaces.options, { ipc: 'POD', network: 'POD', pid: 'POD', targetId: '', usernsOptions: null });
    assert.equal(infoB.status.linux.namespaces.options.pid, 'CONTAINER');
    assert.equal(infoA.info.netNamespaceClosed, false);
    assert.ok(infoA.info.pid > 0, 'pid POD: a holder process is pid 1 of the pod pid namespace');
    // Every container of the pod sees the holder: it must not lead to the host (/proc/1/root, or
    // ptrace). Its root is a read-only tmpfs with busybox only, it holds no host mount, and it
    // runs as nobody without capabilities.
    const holder = infoA.info.pid;
    assert.deepEqual(readdirSync(`/proc/${holder}/root`).sort(), ['busybox', 'dev', 'old']);
    const holderMounts = readFileSync(`/proc/${holder}/mountinfo`, 'utf8').trim().split('\n');
    assert.equal(holderMounts.length, 2, holderMounts.join('\n'));
    assert.match(holderMounts[0], /^\S+ \S+ \S+ \/ \/ ro,/);
    const status = readFileSync(`/proc/${holder}/status`, 'utf8');
    assert.match(status, /^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
    assert.match(status, /^CapPrm:\s+0+$/m);
    assert.match(status, /^CapEff:\s+0+$/m);
    assert.throws(() => writeFileSync(`/proc/${holder}/root/busybox`, 'x'), /EROFS/);
    assert.equal(infoB.info.pid, 0);
    assert.ok(existsSync(infoA.info.namespaces.net));
    assert.equal(infoB.info.namespaces.pid, undefined);
  });

  it('the pods reach each other by pod IP and share their namespaces through the pinned files', async () => {
    const ping = spawnSync('nsenter', [`--net=${infoA.info.namespaces.net}`, BUSYBOX, 'ping', '-c', '1', '-W', '5', infoB.status.network.ip], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(ping.status, 0, ping.stdout + ping.stderr);
    const back = spawnSync('nsenter', [`--net=${infoB.info.namespaces.net}`, BUSYBOX, 'ping', '-c', '1', '-W', '5', infoA.status.network.ip], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(back.status, 0, back.stdout + back.stderr);
    // lo is up (the loopback plugin) and eth0 holds the pod IP.
    const addr = spawnSync('nsenter', [`--net=${infoA.info.namespaces.net}`, 'ip', '-o', 'addr'], { encoding: 'utf8' }).stdout;
    assert.match(addr, /lo +inet 127\.0\.0\.1\/8/);
    assert.match(addr, new RegExp(`eth0 +inet ${infoA.status.network.ip.replace(/\./g, '\\.')}/24`));
    const hn = spawnSync('nsenter', [`--uts=${infoA.info.namespaces.uts}`, 'hostname'], { encoding: 'utf8' });
    assert.equal(hn.stdout.trim(), 'pod-a-host');
    assert.equal(readFileSync(infoA.info.hostnamePath, 'utf8'), 'pod-a-host\n');
    assert.match(readFileSync(infoA.info.hostsPath, 'utf8'), new RegExp(`${infoA.status.network.ip}\\tpod-a-host\\n$`));
    // The sysctl was set inside the pod's net namespace only.
    const sc = spawnSync('nsenter', [`--net=${infoA.info.namespaces.net}`, 'cat', '/proc/sys/net/ipv4/ip_unprivileged_port_start'], { encoding: 'utf8' });
    assert.equal(sc.stdout.trim(), '80');
    assert.equal(readFileSync(infoA.info.resolvConfPath, 'utf8'), 'search svc.berth.test\nnameserver 10.0.0.10\noptions ndots:5\n');
    assert.deepEqual(infoA.info.runtimeSpec.linux.namespaces.map((n) => n.type).sort(), ['ipc', 'network', 'pid', 'uts']);
  });

  it('a hostPort mapping works on 127.0.0.1', async () => {
    const www = tempDir('www');
    writeFileSync(join(www, 'index.html'), 'hello from pod a\n');
    const httpd = spawn('nsenter', [`--net=${infoA.info.namespaces.net}`, BUSYBOX, 'httpd', '-f', '-p', '8080', '-h', www], { stdio: 'ignore' });
    trackPid(httpd.pid);
    try {
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i += 1) {
        status = await httpStatus(`http://${infoA.status.network.ip}:8080/`);
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(status, 200, 'httpd answers on the pod IP');
      const r = await httpGet(`http://127.0.0.1:${hostPort.value}/`);
      assert.equal(r.status, 200);
      assert.equal(r.body, 'hello from pod a\n');
    } finally {
      httpd.kill('SIGKILL');
    }
  });

  it('ctr sees the pods as sandbox containers in namespace k8s.io', async () => {
    const r = await runBin('ctr', ['--root', root, '-n', 'k8s.io', 'containers', 'ls', '-q'], { timeout: 60_000 });
    if (r.code === 0) {
      assert.deepEqual(r.stdout.trim().split('\n').sort(), [a, b].sort());
    } else {
      assert.match(r.stderr, /not yet built/); // ctr containers ls is another helper's
    }
  });

  it('rmp refuses a ready pod without -f; stopp tears the network down and unpins everything', async () => {
    const refused = await crictl('rmp', [a]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`level=fatal msg="unable to remove sandbox\\(es\\): pod sandbox \\\\"${a}\\\\" is running, please stop it first"`));
    // Several failures: crictl's aggregate, one fatal line.
    const two = await crictl('rmp', [a, 'ffffffffffff0000']);
    assert.equal(two.code, 1);
    assert.match(two.stderr, /level=fatal msg="unable to remove sandbox\(es\): \[pod sandbox .* is running, please stop it first, getting sandbox status of pod \\"ffffffffffff0000\\": rpc error: code = NotFound desc = an error occurred when try to find sandbox \\"ffffffffffff0000\\": not found\]"/);
    const ipam = join(state, 'ipam', `berth-test-${tag}`);
    assert.equal(readdirSync(ipam).filter((f) => /^\d+\./.test(f)).length, 2);

    const s = await crictl('stopp', [a.slice(0, 10)]);
    assert.equal(s.code, 0, s.stderr);
    assert.equal(s.stdout, `Stopped sandbox ${a.slice(0, 10)}\n`);
    const after = await inspect(a);
    assert.equal(after.status.state, 'SANDBOX_NOTREADY');
    assert.equal(after.info.netNamespaceClosed, true);
    assert.equal(after.status.network.ip, '', 'no address once the network is torn down (containerd)');
    assert.ok(!existsSync(infoA.info.namespaces.net));
    assert.equal(readdirSync(ipam).filter((f) => /^\d+\./.test(f)).length, 1, 'pod a\'s IP released');
    assert.ok(await gone(infoA.info.pid), 'the pid holder is gone');
    // Stopping again is fine.
    assert.equal((await crictl('stopp', [a])).code, 0);
    const notready = await crictl('pods', ['--state', 'notready', '-q']);
    assert.equal(notready.stdout, `${a}\n`);

    assert.equal((await crictl('rmp', [a])).stdout, `Removed sandbox ${a}\n`);
    const rf = await crictl('rmp', ['-f', b]);
    assert.equal(rf.code, 0, rf.stderr);
    // crictl stops a ready pod through its StopPodSandbox, which says so too.
    assert.equal(rf.stdout, `Stopped sandbox ${b}\nRemoved sandbox ${b}\n`);
    assert.equal((await crictl('pods', ['-q'])).stdout, '');
    assert.equal(readdirSync(ipam).filter((f) => /^\d+\./.test(f)).length, 0);
    assert.deepEqual(mountsUnder(state), []);
    // Other tests and benchmarks may make and drop links meanwhile: ours are the veths on our bridge.
    assert.equal(vethsOnBridge(), '', 'no veth left on the pod bridge');
    assert.deepEqual(rulesMentioning(`berth-test-${tag}`, a, b), [], 'no iptables rule left');
    assert.ok(!existsSync(join(root, 'io.containerd.grpc.v1.cri', 'sandboxes', a)));
    assertNoLeaks();
  });

  it('a network naming a missing plugin fails runp with one line and leaves nothing', async () => {
    const bad = join(work, 'bad.d');
    writeConf(bad, [{ type: 'berth-no-such-plugin' }]);
    const r = await runp(podFile('c', podConfig('pod-c')), bad);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /level=fatal msg="run pod sandbox: rpc error: code = \w+ desc = CNI plugin \\"berth-no-such-plugin\\": not found in \/usr\/lib\/cni/);
    assert.equal((await crictl('pods', ['-q'])).stdout, '');
    assert.deepEqual(mountsUnder(state), []);
    // Other tests and benchmarks may make and drop links meanwhile: ours are the veths on our bridge.
    assert.equal(vethsOnBridge(), '', 'no veth left on the pod bridge');
    assert.deepEqual(rulesMentioning(`berth-test-${tag}`), []);
    const ipam = join(state, 'ipam', `berth-test-${tag}`);
    assert.equal(readdirSync(ipam).filter((f) => /^\d+\./.test(f)).length, 0, 'the IP was released');
    // The name is free again.
    const ok = await runp(files.c);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((await crictl('rmp', ['-f', ok.id])).code, 0);
  });

  it('bad input: a missing name, an ambiguous or unknown id, a reused name', async () => {
    const noName = await runp(podFile('noname', { metadata: { namespace: 'x' } }));
    assert.equal(noName.code, 1);
    assert.match(noName.stderr, /metadata\.name is missing/);
    // A hostname with a newline would add /etc/hosts lines of the config's choosing.
    const badHost = await runp(podFile('badhost', podConfig('pod-bh', { hostname: 'a\n10.0.0.1 evil' })));
    assert.equal(badHost.code, 1);
    assert.match(badHost.stderr, /hostname .* must not contain white space/);
    assert.equal((await crictl('pods', ['-q', '--name', 'pod-bh'])).stdout, '');
    const unknown = await crictl('inspectp', ['ffffffffffff0000']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /not found/);
    // Two pods whose ids share a prefix: records made through the store with chosen ids.
    const req = createRequire(import.meta.url);
    const { openMetadata } = req(join(REPO_ROOT, 'packages/core/dist/metadata/store.js'));
    const rec = req(join(REPO_ROOT, 'packages/core/dist/cri/sandbox-record.js'));
    const { toPodSandboxConfig } = req(join(REPO_ROOT, 'packages/core/dist/cri/pod-config.js'));
    const store = openMetadata(root);
    const ids = ['abcd1'.padEnd(64, '0'), 'abcd2'.padEnd(64, '0')];
    try {
      for (const [i, id] of ids.entries()) {
        const s = {
          id, name: `fake${i}`, config: toPodSandboxConfig(podConfig(`fake${i}`)), runtimeHandler: '', createdAt: '1', state: 'SANDBOX_NOTREADY',
          ip: '', additionalIps: [], netnsPath: '', netnsClosed: true, namespaces: {}, hostname: 'h',
          files: { hostname: '', hosts: '', resolvConf: '', shm: '' }, cgroupParent: '',
        };
        store.containers.create('k8s.io', { id, runtime: { name: rec.RUNTIME_TYPE }, labels: { [rec.KIND_LABEL]: 'sandbox' }, extensions: rec.toExtensions(s) });
      }
    } finally {
      store.close();
    }
    const amb = await crictl('inspectp', ['abcd']);
    assert.equal(amb.code, 1);
    assert.match(amb.stderr, new RegExp(`ambiguous: it matches ${ids[0]}, ${ids[1]}`));
    // The --id filter as containerd's: a whole id or a unique prefix; an ambiguous one matches nothing.
    assert.equal((await crictl('pods', ['-q', '--id', 'abcd'])).stdout, '');
    assert.equal((await crictl('pods', ['-q', '--id', 'abcd2'])).stdout, `${ids[1]}\n`);
    assert.equal((await crictl('pods', ['-q', '--id', ids[0]])).stdout, `${ids[0]}\n`);
    const rm = await crictl('rmp', ['-a']);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(rm.stdout, `Removed sandbox ${ids[0]}\nRemoved sandbox ${ids[1]}\n`);

    const first = await runp(podFile('dup', podConfig('dup', { linux: { security_context: { namespace_options: { network: 'NODE', pid: 'CONTAINER' } } } })));
    assert.equal(first.code, 0, first.stderr);
    const again = await runp(files.dup);
    assert.equal(again.code, 1);
    assert.ok(again.stderr.includes(`name \\"dup_berth-test_uid-dup_0\\" is reserved for \\"${first.id}\\"`), again.stderr);
    const host = await inspect(first.id);
    assert.equal(host.status.network.ip, '');
    assert.equal(host.info.namespaces.net, undefined, 'host network: nothing pinned');
    assert.equal((await crictl('rmp', ['-f', first.id])).code, 0);

    // One runtime handler: containerd's default, by its name or none.
    const hostPod = (name) => podFile(name, podConfig(name, { linux: { security_context: { namespace_options: { network: 'NODE', pid: 'CONTAINER' } } } }));
    const foo = await crictl('runp', ['-r', 'foo', hostPod('rt-foo')]);
    assert.equal(foo.code, 1);
    assert.match(foo.stderr, /no runtime for \\"foo\\" is configured/);
    assert.equal((await crictl('pods', ['-q'])).stdout, '', 'nothing made');
    const runc = await crictl('runp', ['-r', 'runc', hostPod('rt-runc')]);
    assert.equal(runc.code, 0, runc.stderr);
    assert.match((await crictl('pods', [])).stdout, /rt-runc +berth-test +0 +runc\n/);
    assert.equal((await crictl('rmp', ['-f', runc.stdout.trim()])).code, 0);
  });

  it('a pod whose pid-namespace holder died is NotReady, and rmp removes it without -f', async () => {
    const r = await runp(podFile('e', podConfig('pod-e', { linux: { security_context: { namespace_options: { network: 'NODE' } } } })));
    assert.equal(r.code, 0, r.stderr);
    const before = await inspect(r.id);
    assert.equal(before.status.state, 'SANDBOX_READY');
    process.kill(before.info.pid, 'SIGKILL'); // the holder this test's runp started
    assert.ok(await gone(before.info.pid));
    const dead = await inspect(r.id);
    assert.equal(dead.status.state, 'SANDBOX_NOTREADY');
    assert.equal(dead.info.processStatus, 'stopped');
    assert.match((await crictl('pods', ['--id', r.id])).stdout, /NotReady +pod-e/);
    const rm = await crictl('rmp', [r.id]);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal((await crictl('pods', ['-q'])).stdout, '');
    assert.deepEqual(mountsUnder(state), []);
    assertNoLeaks();
  });

  it('berth installs its default bridge network in its configured conf dir when empty, never in a --cni-conf-dir', async () => {
    const empty = join(work, 'empty.d');
    const hadBerth0 = links().includes('berth0');
    const pod = podFile('d', podConfig('pod-d', { linux: { security_context: { namespace_options: { pid: 'CONTAINER' } } } }));
    // A directory named on the command line may be another tool's: containerd's error, nothing written.
    mkdirSync(empty, { recursive: true });
    const named = await runp(pod, empty);
    assert.equal(named.code, 1);
    assert.match(named.stderr, /level=fatal msg="run pod sandbox: rpc error: code = InvalidArgument desc = cni plugin not initialized: no network config found in .*empty\.d"/);
    assert.deepEqual(readdirSync(empty), []);
    assert.equal((await crictl('pods', ['-q'])).stdout, '');
    // The conf dir of berth's configuration (config.toml's conf_dir) is berth's own.
    const berthConfig = join(work, 'berth-default-net.toml');
    writeFileSync(berthConfig, `version = 2\n[plugins."io.containerd.grpc.v1.cri".cni]\n  conf_dir = "${empty}"\n  bin_dir = "${CNI_BIN}"\n`);
    let id = '';
    try {
      const out = await crictl('runp', ['--berth-config', berthConfig, pod]);
      const r = { ...out, id: out.stdout.trim() };
      assert.equal(r.code, 0, r.stderr);
      id = r.id;
      const cfg = JSON.parse(readFileSync(join(empty, '10-berth.conflist'), 'utf8'));
      assert.deepEqual(cfg.plugins.map((p) => p.type), ['bridge', 'portmap']);
      assert.equal(cfg.plugins[0].bridge, 'berth0');
      assert.equal(cfg.plugins[0].ipam.dataDir, join(state, 'cni', 'networks'));
      const st = await inspect(r.id);
      assert.match(st.status.network.ip, /^10\.88\.\d+\.\d+$/);
      assert.equal((await crictl('rmp', ['-f', r.id])).code, 0);
      assert.deepEqual(readdirSync(join(state, 'cni', 'networks', 'berth')).filter((f) => /^\d+\./.test(f)), []);
    } finally {
      if (!hadBerth0) spawnSync('ip', ['link', 'del', 'berth0'], { stdio: 'ignore' });
    }
    assert.deepEqual(rulesMentioning(`id: \\"${id}\\"`), []);
  });
});
