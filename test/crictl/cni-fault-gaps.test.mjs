// A CNI plugin that is there but fails (issue 5's "CNI plugin ... failing"): runp reports the
// plugin's own error in one line, deletes what the plugins before it made (the bridge plugin's
// veth, host-local's IP), and leaves no pinned namespace, mount, process or record behind. A DEL
// that fails at stopp is reported, the pod stays ready, and rmp tries again. A runp interrupted
// or timed out while its plugins run undoes the pod; one killed leaves a NotReady pod that rmp
// removes with all the plugins made. Traffic: none.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertNoLeaks, binPath, childEnv, registerCleanup, runBin, tempDir, trackContainer, trackPid } from '../lib/index.mjs';

const CNI_BIN = '/usr/lib/cni';
const skip = !existsSync(join(CNI_BIN, 'bridge')) ? 'containernetworking-plugins not installed' : false;
const tag = process.pid % 100000;
const BRIDGE = `bf${tag}`;
const NET = `10.${200 + ((process.pid + 31) % 50)}.${Math.floor(process.pid / 50) % 250}`;
const links = () => spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map((l) => l.split(':')[1].trim().split('@')[0]);
const mountsUnder = (dir) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4]?.startsWith(dir));

describe('crictl runp with a failing CNI plugin', { skip }, () => {
  registerCleanup();
  const work = tempDir('crictl-cni-fault');
  const root = join(work, 'root');
  const state = join(work, 'state');
  const bin = join(work, 'bin');
  const calls = join(work, 'calls');
  const g = ['--berth-root', root, '--berth-state', state];
  const crictl = (cmd, args) => runBin('crictl', [...g, cmd, ...args], { timeout: 120_000 });
  const bridgeExisted = links().includes(BRIDGE);
  const ipam = join(state, 'ipam', `berth-fault-${tag}`);
  const ips = () => (existsSync(ipam) ? readdirSync(ipam).filter((f) => /^\d+\./.test(f)) : []);
  const onBridge = () => spawnSync('ip', ['-o', 'link', 'show', 'master', BRIDGE], { encoding: 'utf8' }).stdout.trim();
  /** A plugin of our own: `body` after the shell's line that reads the configuration from stdin. */
  const writePlugin = (dir, name, body) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), `#!/bin/sh\ncat >/dev/null\n${body}`);
    chmodSync(join(dir, name), 0o755);
  };
  /** A conf dir holding one network list. */
  const writeConf = (dir, name, plugins) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '10-test.conflist'), JSON.stringify({ cniVersion: '1.0.0', name, plugins }));
    return dir;
  };

  // A plugin of our own: records each call, fails the commands named in FAIL_ON with a CNI error.
  writePlugin(bin, 'berth-fail', `echo "$CNI_COMMAND" >> ${JSON.stringify(calls)}
case " $(cat ${JSON.stringify(join(work, 'fail-on'))}) " in *" $CNI_COMMAND "*)
  echo '{"cniVersion":"1.0.0","code":11,"msg":"berth test plugin refuses","details":"on purpose"}'; exit 1;;
esac
[ "$CNI_COMMAND" = ADD ] && echo '{"cniVersion":"1.0.0"}'
exit 0
`);
  const bridge = { type: 'bridge', bridge: BRIDGE, isGateway: true, ipam: { type: 'host-local', ranges: [[{ subnet: `${NET}.0/24` }]], dataDir: join(state, 'ipam') } };
  const conf = writeConf(join(work, 'net.d'), `berth-fault-${tag}`, [bridge, { type: 'berth-fail' }]);
  const podFile = join(work, 'pod.json');
  writeFileSync(podFile, JSON.stringify({ metadata: { name: 'faulty', namespace: 'berth-test', uid: 'uid-faulty' } }));
  const runp = () => crictl('runp', ['--cni-conf-dir', conf, '--cni-bin-dir', `${CNI_BIN}:${bin}`, podFile]);
  trackContainer({ tool: 'crictl', id: 'all-pods', deleteArgs: ['rmp', ...g, '-f', '-a'] });

  after(() => {
    if (!bridgeExisted) spawnSync('ip', ['link', 'del', BRIDGE], { stdio: 'ignore' });
  });

  it('an ADD that fails: its message in one line, the chain deleted, nothing left', async () => {
    writeFileSync(join(work, 'fail-on'), 'ADD');
    writeFileSync(calls, '');
    const r = await runp();
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /level=fatal msg="run pod sandbox: .*berth-fail.*berth test plugin refuses: on purpose/);
    // The failed ADD is undone by a DEL of the whole chain (CNI's rule), which releases the IP.
    assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n'), ['ADD', 'DEL']);
    assert.deepEqual(ips(), [], 'host-local\'s IP released');
    assert.equal(onBridge(), '', 'no veth left on the bridge');
    assert.deepEqual(mountsUnder(state), [], 'no pinned namespace left');
    assert.equal((await crictl('pods', ['-q'])).stdout, '');
    const sandboxes = join(state, 'io.containerd.grpc.v1.cri', 'sandboxes');
    assert.deepEqual(existsSync(sandboxes) ? readdirSync(sandboxes) : [], []);
    assert.equal((await runBin('ctr', ['--root', root, '-n', 'k8s.io', 'containers', 'ls', '-q'], { timeout: 60_000 })).stdout, '');
    assertNoLeaks();
  });

  it('a DEL that fails at stopp: the error said, the pod still ready, the bridge\'s part released; rmp retries', async () => {
    writeFileSync(join(work, 'fail-on'), 'DEL');
    writeFileSync(calls, '');
    const r = await runp();
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    assert.equal(ips().length, 1);
    assert.notEqual(onBridge(), '');
    const s = await crictl('stopp', [id]);
    // As containerd: the teardown error fails stopp and the pod stays ready, so a later stop or
    // remove tries the DEL again; the plugins after the failing one in the DEL order still ran.
    assert.equal(s.code, 1);
    assert.equal(s.stderr.trim().split('\n').length, 1, s.stderr);
    assert.match(s.stderr, /level=fatal msg="stopping the pod sandbox .*plugin berth-fail \(del\): berth test plugin refuses: on purpose"/);
    assert.equal(JSON.parse((await crictl('inspectp', [id])).stdout).status.state, 'SANDBOX_READY');
    assert.deepEqual(ips(), [], 'host-local\'s IP released even though a later plugin\'s DEL failed');
    assert.equal(onBridge(), '', 'no veth left');
    writeFileSync(join(work, 'fail-on'), '');
    const rm = await crictl('rmp', ['-f', id]);
    assert.equal(rm.code, 0, rm.stderr);
    assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n'), ['ADD', 'DEL', 'DEL'], 'rmp tried the DEL again');
    assert.deepEqual(mountsUnder(state), []);
    assert.equal((await crictl('pods', ['-q'])).stdout, '');
    assertNoLeaks();
  });

  it('a loopback ADD that fails beside the pod network\'s: the loopback\'s error, the pod network deleted too', async () => {
    // The loopback and the pod network are added side by side (as containerd's go-cni does): a
    // loopback of our own that refuses its ADD, found first on the plugin path.
    const loBin = join(work, 'lo-bin');
    const loCalls = join(work, 'lo-calls');
    writePlugin(loBin, 'loopback', `echo "$CNI_COMMAND" >> ${JSON.stringify(loCalls)}
[ "$CNI_COMMAND" = ADD ] && { echo '{"cniVersion":"1.0.0","code":11,"msg":"berth test loopback refuses"}'; exit 1; }
exit 0
`);
    const loConf = writeConf(join(work, 'net.d-lo'), `berth-fault-${tag}`, [bridge]);
    writeFileSync(loCalls, '');
    const r = await crictl('runp', ['--cni-conf-dir', loConf, '--cni-bin-dir', `${loBin}:${CNI_BIN}`, podFile]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /level=fatal msg="run pod sandbox: rpc error: code = Unknown desc = CNI network \\"cni-loopback\\" plugin loopback \(add\): berth test loopback refuses"/);
    // Both networks were deleted, the bridge's ADD having finished first: its veth and IP are gone.
    assert.deepEqual(readFileSync(loCalls, 'utf8').trim().split('\n'), ['ADD', 'DEL']);
    assert.deepEqual(ips(), [], 'host-local\'s IP released');
    assert.equal(onBridge(), '', 'no veth left on the bridge');
    assert.deepEqual(mountsUnder(state), [], 'no pinned namespace left');
    assert.equal((await crictl('pods', ['-q'])).stdout, '');
    assertNoLeaks();
  });

  it('a plugin that writes more than 16 MiB: one line saying so, the chain deleted, nothing left', async () => {
    // Its output goes to an anonymous file read after its exit (cri/cni/exec.ts): past the limit
    // the call fails, whatever the plugin's status, and the file stops growing at its cap.
    const loudBin = join(work, 'loud-bin');
    const loudCalls = join(work, 'loud-calls');
    writePlugin(loudBin, 'berth-loud', `echo "$CNI_COMMAND" >> ${JSON.stringify(loudCalls)}
[ "$CNI_COMMAND" = ADD ] && head -c 20000000 /dev/zero
exit 0
`);
    const loudConf = writeConf(join(work, 'net.d-loud'), `berth-loud-${tag}`, [{ type: 'berth-loud' }]);
    writeFileSync(loudCalls, '');
    const r = await crictl('runp', ['--cni-conf-dir', loudConf, '--cni-bin-dir', `${CNI_BIN}:${loudBin}`, podFile]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /plugin berth-loud \(add\): its output is larger than 16 MiB/);
    assert.deepEqual(readFileSync(loudCalls, 'utf8').trim().split('\n'), ['ADD', 'DEL']);
    assert.deepEqual(mountsUnder(state), [], 'no pinned namespace left');
    assert.equal((await crictl('pods', ['-q'])).stdout, '');
    assertNoLeaks();
  });

  // A bridge that waits before its ADD (the `began` marker says it has), then runs the real one
  // (`ended` when it has finished), with ipMasq: what a runp given up during it must undo is then
  // a veth, an IP and masquerade rules. One network name per use.
  let slowUses = 0;
  const slowBridge = () => {
    slowUses += 1;
    const dir = join(work, `slow-${slowUses}`);
    const began = join(dir, 'began');
    const ended = join(dir, 'ended');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    writeFileSync(join(dir, 'bin', 'bridge'), `#!/bin/sh
if [ "$CNI_COMMAND" = ADD ]; then : > ${JSON.stringify(began)}; sleep 1; fi
${CNI_BIN}/bridge; rc=$?
[ "$CNI_COMMAND" = ADD ] && : > ${JSON.stringify(ended)}
exit $rc
`);
    chmodSync(join(dir, 'bin', 'bridge'), 0o755);
    const net = `berth-slow${slowUses}-${tag}`;
    const conf = writeConf(join(dir, 'net.d'), net, [{ ...bridge, ipMasq: true }]);
    const ipamDir = join(state, 'ipam', net);
    return {
      began, ended, net,
      args: ['--cni-conf-dir', conf, '--cni-bin-dir', `${join(dir, 'bin')}:${CNI_BIN}`],
      ips: () => (existsSync(ipamDir) ? readdirSync(ipamDir).filter((f) => /^\d+\./.test(f)) : []),
      masq: () => spawnSync('iptables', ['-t', 'nat', '-S'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes(net)),
    };
  };
  const waitFile = async (file) => {
    for (let i = 0; i < 600 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(existsSync(file), `${file} made`);
  };
  /** runp started in the background: its pid, and a promise of its exit { code, signal, stderr }. */
  const runpAside = (args, env) => {
    const cli = spawn(binPath('crictl'), [...g, 'runp', ...args, podFile], { env: childEnv(env), stdio: ['ignore', 'ignore', 'pipe'] });
    trackPid(cli.pid);
    const err = [];
    cli.stderr.on('data', (b) => err.push(b));
    const exited = new Promise((resolve) => cli.once('close', (code, signal) => resolve({ code, signal, stderr: Buffer.concat(err).toString() })));
    return { cli, exited };
  };
  const assertNothingOf = async (slow) => {
    assert.deepEqual(slow.ips(), [], 'the IP released');
    assert.equal(onBridge(), '', 'no veth left');
    assert.deepEqual(slow.masq(), [], 'no masquerade rule left');
    assert.deepEqual(mountsUnder(state), [], 'no pinned namespace left');
    assert.equal((await crictl('pods', ['-q'])).stdout, '');
    assertNoLeaks();
  };

  it('runp killed during its ADD: a NotReady pod, which rmp removes with what the plugins made', async () => {
    // SIGKILL: nothing of runp runs after it; the bridge it started finishes on its own.
    const slow = slowBridge();
    const { cli, exited } = runpAside(slow.args);
    await waitFile(slow.began);
    cli.kill('SIGKILL');
    assert.equal((await exited).signal, 'SIGKILL');
    await waitFile(slow.ended);
    assert.equal(slow.ips().length, 1, 'the orphaned ADD took its IP');
    assert.notEqual(onBridge(), '');
    assert.notEqual(slow.masq().length, 0, 'and made its masquerade rules');
    const id = (await crictl('pods', ['-q'])).stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal(JSON.parse((await crictl('inspectp', [id])).stdout).status.state, 'SANDBOX_NOTREADY');
    const rm = await crictl('rmp', [id]);
    assert.equal(rm.code, 0, rm.stderr);
    await assertNothingOf(slow);
  });

  it('runp interrupted (SIGINT, SIGTERM) during its ADD: the plugin under way ends, then all is undone', async () => {
    // As containerd cancels RunPodSandbox with crictl's context and cleans up: Canceled.
    for (const [sig, env] of [['SIGINT', undefined], ['SIGTERM', 'off']]) {
      const slow = slowBridge();
      const { cli, exited } = runpAside(slow.args, { BERTH_FAST: env });
      await waitFile(slow.began);
      cli.kill(sig);
      const { code, stderr } = await exited;
      assert.equal(code, 1);
      assert.equal(stderr.trim().split('\n').length, 1, stderr);
      assert.match(stderr, new RegExp(`level=fatal msg="run pod sandbox: rpc error: code = Canceled desc = CNI network \\\\"${slow.net}\\\\": interrupted by ${sig}"`));
      assert.ok(existsSync(slow.ended), 'the bridge under way was let finish');
      await assertNothingOf(slow);
    }
  });

  it('runp and run --cancel-timeout: DeadlineExceeded once it passes, all undone; a value not a duration refused', async () => {
    const slow = slowBridge();
    const r = await crictl('runp', ['-T', '300ms', ...slow.args, podFile]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /code = DeadlineExceeded desc = CNI network .*: --cancel-timeout 300ms passed"/);
    await assertNothingOf(slow);
    // crictl run's -T gives its pod up the same way (the image is never reached: no pull, no create).
    const again = slowBridge();
    const ctnFile = join(work, 'ctn.json');
    writeFileSync(ctnFile, JSON.stringify({ metadata: { name: 'c' }, image: { image: 'docker.io/library/busybox:latest' }, command: ['true'] }));
    const run = await crictl('run', ['--no-pull', '-T', '300ms', ...again.args, ctnFile, podFile]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, /level=fatal msg="running container: rpc error: code = DeadlineExceeded desc = CNI network .*: --cancel-timeout 300ms passed"/);
    assert.equal((await crictl('ps', ['-a', '-q'])).stdout, '');
    await assertNothingOf(again);
    for (const env of [undefined, 'off']) {
      const bad = await runBin('crictl', [...g, 'runp', '--cancel-timeout', '5x', podFile], { env: { BERTH_FAST: env }, timeout: 60_000 });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /level=fatal msg="invalid value \\"5x\\" for flag -cancel-timeout: parse error/);
    }
    assert.equal((await crictl('pods', ['-q'])).stdout, '');
  });

  it('a plugin that leaves a child holding its output: the call ends soon after the plugin exits', async () => {
    // Its stdout and stderr stay open in a `sleep` it started (by pid below: ours to end).
    const lingerBin = join(work, 'linger-bin');
    const pidFile = join(work, 'linger.pid');
    writePlugin(lingerBin, 'berth-linger', `sleep 60 &
echo $! > ${JSON.stringify(pidFile)}
[ "$CNI_COMMAND" = ADD ] && echo '{"cniVersion":"1.0.0"}'
exit 0
`);
    const lingerConf = writeConf(join(work, 'net.d-linger'), `berth-linger-${tag}`, [{ type: 'berth-linger' }]);
    const sleepers = [];
    const reap = () => { try { const pid = Number(readFileSync(pidFile, 'utf8')); sleepers.push(pid); process.kill(pid, 'SIGKILL'); } catch { /* gone */ } };
    try {
      const t0 = Date.now();
      const r = await crictl('runp', ['--cni-conf-dir', lingerConf, '--cni-bin-dir', `${CNI_BIN}:${lingerBin}`, podFile]);
      reap();
      assert.equal(r.code, 0, r.stderr);
      // Not a timing target: the sleep holds the pipes for 60 s; a caller waiting for them would take that long.
      assert.ok(Date.now() - t0 < 30_000, `runp returned after ${Date.now() - t0} ms`);
      const s = await crictl('rmp', ['-f', r.stdout.trim()]);
      reap();
      assert.equal(s.code, 0, s.stderr);
    } finally {
      reap();
    }
    assert.ok(sleepers.length >= 1, 'the plugin started its child');
    assertNoLeaks();
  });
});
