// Gaps of issue 5 closed (see docs/issue5-audit.md): crictl pods/ps list flags (--namespace --id
// --no-trunc --latest --last -p --image -o yaml), rmi --prune, the CRI JSON of containers (config labels
// only, imageId) as containerd's CRI plugin answers crictl, the POD/NAMESPACE columns from the
// kubelet's labels, rmp of a pod whose container runs, exec's exit code without -s, statsp's
// table. Host-network pods: no CNI, nothing on the host's network.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, assertNoLeaks, registerCleanup, runBin, tempDir, trackContainer } from '../lib/index.mjs';
import { makeLayout, sha256, skipWithoutRegistry as skip, skopeoPush, startRegistry } from '../ctr/registry-lib.mjs';

const BB = '/bin/busybox';
const YAML = createRequire(join(REPO_ROOT, 'packages/crictl/package.json'))('yaml');

describe('crictl list flags and CRI JSON (gaps)', { skip }, () => {
  registerCleanup();
  const work = tempDir('crictl-gaps');
  const root = join(work, 'root');
  const state = join(work, 'state');
  const g = ['--berth-root', root, '--berth-state', state];
  const env = { CRI_CONFIG_FILE: null, CONTAINER_RUNTIME_ENDPOINT: null, IMAGE_SERVICE_ENDPOINT: null };
  const crictl = (cmd, args, opts) => runBin('crictl', [...g, cmd, ...args], { timeout: 120_000, env, ...opts });
  const ok = async (cmd, args, opts) => {
    const r = await crictl(cmd, args, opts);
    assert.equal(r.code, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  let registry;
  const img = {};
  const pods = {};
  const podFiles = {};
  const ctrs = {};

  const runp = async (key, name, namespace) => {
    const f = join(work, `pod-${key}.json`);
    writeFileSync(f, JSON.stringify({
      metadata: { name, namespace, uid: `uid-${key}` }, labels: { pod: key }, log_directory: join(work, 'logs', key),
      linux: { security_context: { namespace_options: { network: 'NODE', pid: 'CONTAINER' } } },
    }));
    podFiles[key] = f;
    pods[key] = (await ok('runp', [f])).stdout.trim();
  };
  const create = async (key, pod, image, cfg = {}) => {
    const f = join(work, `ctr-${key}.json`);
    writeFileSync(f, JSON.stringify({ metadata: { name: key }, image: { image }, command: [BB, 'sleep', '1000'], log_path: `${key}.log`, ...cfg }));
    ctrs[key] = (await ok('create', [pods[pod], f, podFiles[pod]])).stdout.trim();
  };

  before(async () => {
    registry = await startRegistry(work);
    img.one = `${registry.host}/gaps/busybox:1`;
    img.two = `${registry.host}/gaps/busybox:2`;
    // Image labels: containerd keeps them on its container record, not in the CRI answers.
    const one = makeLayout(join(work, 'w1'), join(work, 'oci1'), [{ 'bin/busybox': BB }], { config: { Cmd: [BB, 'sh'], Labels: { from: 'image' } } });
    const two = makeLayout(join(work, 'w2'), join(work, 'oci2'), [{ 'bin/busybox': BB }, { 'etc/two': Buffer.from('2\n') }], { config: { Cmd: [BB, 'sh'] } });
    img.oneId = sha256(one.config);
    img.twoId = sha256(two.config);
    skopeoPush(join(work, 'oci1'), '1', img.one);
    skopeoPush(join(work, 'oci2'), '1', img.two);
    img.three = `${registry.host}/gaps/unused:3`;
    makeLayout(join(work, 'w3'), join(work, 'oci3'), [{ 'bin/busybox': BB }, { 'etc/three': Buffer.from('3\n') }], { config: { Cmd: [BB, 'sh'] } });
    skopeoPush(join(work, 'oci3'), '1', img.three);
    for (const ref of [img.one, img.two, img.three]) await ok('pull', [ref]);
    trackContainer({ tool: 'crictl', id: 'all-pods', deleteArgs: ['rmp', ...g, '-f', '-a'] });
    trackContainer({ tool: 'crictl', id: 'all-containers', deleteArgs: ['rm', ...g, '-f', '-a'] });
    // Created one after the other: the newest-first order is known.
    await runp('p1', 'alpha-1', 'alpha');
    await runp('p2', 'beta-1', 'beta');
    await runp('p3', 'alpha-2', 'alpha');
    await create('c1', 'p1', img.one, { labels: { role: 'one' } });
    await create('c2', 'p3', img.two, {
      labels: { 'io.kubernetes.pod.name': 'alpha-2', 'io.kubernetes.pod.namespace': 'alpha', role: 'two' },
    });
    await ok('start', [ctrs.c1]);
  });

  after(async () => {
    await registry?.stop();
  });

  const q = async (cmd, args) => (await ok(cmd, [...args])).stdout.trim().split('\n').filter(Boolean);

  it('a global -r or -t before the command keeps its global meaning (not runp\'s runtime handler), on both paths', async () => {
    const f = join(work, 'pod-endpoint.json');
    writeFileSync(f, JSON.stringify({
      metadata: { name: 'endpoint', namespace: 'gamma', uid: 'uid-endpoint' },
      linux: { security_context: { namespace_options: { network: 'NODE', pid: 'CONTAINER' } } },
    }));
    for (const fast of ['on', 'off']) {
      const r = await runBin('crictl', ['-r', 'unix:///run/nowhere.sock', '-t', '5s', ...g, 'runp', f], { timeout: 120_000, env: { ...env, BERTH_FAST: fast } });
      assert.equal(r.code, 0, r.stderr);
      const id = r.stdout.trim();
      const status = JSON.parse((await ok('inspectp', [id])).stdout).status;
      assert.equal(status.runtimeHandler, '', `BERTH_FAST=${fast}: the endpoint is no runtime handler`);
      await ok('rmp', ['-f', id]);
    }
  });

  it('pods: --namespace --id --no-trunc --latest --last, -o yaml as -o json, bad values refused', async () => {
    assert.deepEqual(await q('pods', ['-q']), [pods.p3, pods.p2, pods.p1], 'newest first');
    assert.deepEqual(await q('pods', ['-q', '--namespace', '^alpha$']), [pods.p3, pods.p1]);
    assert.deepEqual(await q('pods', ['-q', '--namespace', 'bet', '--name', '-1$']), [pods.p2]);
    assert.deepEqual(await q('pods', ['-q', '--id', pods.p2.slice(0, 8)]), [pods.p2]);
    assert.deepEqual(await q('pods', ['-q', '--latest']), [pods.p3]);
    assert.deepEqual(await q('pods', ['-q', '-l', '--namespace', 'beta']), [pods.p2], '-l after the filters');
    assert.deepEqual(await q('pods', ['-q', '--last', '2']), [pods.p3, pods.p2]);
    assert.deepEqual(await q('pods', ['-q', '-n', '0']), [pods.p3, pods.p2, pods.p1], '-n 0: unlimited');
    const full = (await ok('pods', ['--no-trunc', '--id', pods.p1])).stdout.split('\n');
    assert.match(full[0], /^POD ID +CREATED +STATE +NAME +NAMESPACE +ATTEMPT +RUNTIME$/);
    assert.match(full[1], new RegExp(`^${pods.p1} +\\S.* ago +Ready +alpha-1 +alpha +0 +\\(default\\)$`));
    const short = (await ok('pods', ['-o', 'table', '--id', pods.p1])).stdout.split('\n');
    assert.ok(short[1].startsWith(`${pods.p1.slice(0, 13)} `), short[1]);
    const json = JSON.parse((await ok('pods', ['-o', 'json'])).stdout);
    assert.deepEqual(YAML.parse((await ok('pods', ['-o', 'yaml'])).stdout), json);
    assert.deepEqual(json.items.map((p) => [p.metadata.name, p.labels]), [['alpha-2', { pod: 'p3' }], ['beta-1', { pod: 'p2' }], ['alpha-1', { pod: 'p1' }]]);
    const badState = await crictl('pods', ['--state', 'running']);
    assert.equal(badState.code, 1);
    assert.match(badState.stderr, /level=fatal msg="--state should be ready or notready"/);
    const badOut = await crictl('pods', ['-o', 'xml']);
    assert.equal(badOut.code, 1);
    assert.match(badOut.stderr, /unsupported output format \\"xml\\"/);
  });

  it('ps: -p --image --latest --last --no-trunc, -o yaml as -o json', async () => {
    assert.deepEqual(await q('ps', ['-q']), [ctrs.c1], 'running ones by default');
    assert.deepEqual(await q('ps', ['-q', '-p', pods.p3.slice(0, 6)]), []);
    assert.deepEqual(await q('ps', ['-aq', '-p', pods.p3.slice(0, 6)]), [ctrs.c2]);
    assert.deepEqual(await q('ps', ['-aq', '--pod', pods.p1]), [ctrs.c1]);
    assert.deepEqual(await q('ps', ['-aq', '--image', img.two]), [ctrs.c2]);
    assert.deepEqual(await q('ps', ['-aq', '--image', img.oneId]), [ctrs.c1], 'by image id too');
    // crictl drops the state filter, the default or a given one, for --latest and --last N.
    assert.deepEqual(await q('ps', ['-q', '--latest']), [ctrs.c2]);
    assert.deepEqual(await q('ps', ['-q', '-l', '--state', 'running']), [ctrs.c2]);
    assert.deepEqual(await q('ps', ['-q', '--last', '2']), [ctrs.c2, ctrs.c1]);
    assert.deepEqual(await q('ps', ['-q', '-n', '0']), [ctrs.c1], '-n 0 keeps the default');
    const full = (await ok('ps', ['-a', '--no-trunc', '--id', ctrs.c1])).stdout.split('\n');
    assert.match(full[0], /^CONTAINER +IMAGE +CREATED +STATE +NAME +ATTEMPT +POD ID +POD +NAMESPACE$/);
    assert.ok(full[1].startsWith(`${ctrs.c1} `) && full[1].includes(` ${pods.p1} `), full[1]);
    const json = JSON.parse((await ok('ps', ['-a', '-o', 'json'])).stdout);
    assert.deepEqual(YAML.parse((await ok('ps', ['-a', '-o', 'yaml'])).stdout), json);
    assert.deepEqual(json.containers.map((c) => c.id), [ctrs.c2, ctrs.c1]);
    const bad = await crictl('ps', ['--state', 'gone']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--state should be one of created, running, exited or unknown/);
  });

  it('CRI JSON as containerd answers: the config\'s labels only, imageId, fields in the proto\'s order', async () => {
    const json = JSON.parse((await ok('ps', ['-a', '-o', 'json'])).stdout).containers;
    // CRI Container: id, pod_sandbox_id, metadata, image, image_ref, state, created_at, labels, annotations, image_id.
    assert.deepEqual(Object.keys(json[1]), ['id', 'podSandboxId', 'metadata', 'image', 'imageRef', 'state', 'createdAt', 'labels', 'annotations', 'imageId']);
    assert.deepEqual(json[1].labels, { role: 'one' }, 'neither the image\'s labels nor io.cri-containerd.kind');
    assert.equal(json[1].imageId, '');
    assert.equal(json[1].imageRef, img.oneId);
    assert.deepEqual(json[0].labels, { 'io.kubernetes.pod.name': 'alpha-2', 'io.kubernetes.pod.namespace': 'alpha', role: 'two' });
    // The label filter sees the same labels.
    assert.deepEqual(await q('ps', ['-aq', '--label', 'from=image']), []);
    assert.deepEqual(await q('ps', ['-aq', '--label', 'io.cri-containerd.kind=container']), []);
    assert.deepEqual(await q('ps', ['-aq', '--label', 'role=two']), [ctrs.c2]);
    // ContainerStatus: fields 1..17 of CRI 1.30.
    const st = JSON.parse((await ok('inspect', [ctrs.c1])).stdout).status;
    assert.deepEqual(Object.keys(st), ['id', 'metadata', 'state', 'createdAt', 'startedAt', 'finishedAt', 'exitCode', 'image', 'imageRef',
      'reason', 'message', 'labels', 'annotations', 'mounts', 'logPath', 'resources', 'imageId']);
    assert.deepEqual(st.labels, { role: 'one' });
    assert.equal(st.imageId, '');
    assert.deepEqual(Object.keys(st.image), ['annotations', 'image', 'runtimeHandler', 'userSpecifiedImage']);
    const table = (await ok('inspect', ['-o', 'table', ctrs.c1])).stdout;
    assert.match(table, /\nLabels:\n\trole -> one\n/);
    assert.ok(!table.includes('from -> image'));
    // ContainerStats attributes carry the same labels; the stats label filter too.
    const stats = JSON.parse((await ok('stats', ['-o', 'json', '--label', 'role=one'])).stdout).stats;
    assert.deepEqual(stats.map((s) => [s.attributes.id, s.attributes.labels]), [[ctrs.c1, { role: 'one' }]]);
    // The kubelet's labels name the pod in ps; without them crictl says unknown.
    const rows = (await ok('ps', ['-a'])).stdout.trimEnd().split('\n');
    assert.match(rows[1], new RegExp(`^${ctrs.c2.slice(0, 13)} +${img.two.replace(/\./g, '\\.')} .* +Created +c2 +0 +${pods.p3.slice(0, 13)} +alpha-2 +alpha$`));
    assert.match(rows[2], new RegExp(`^${ctrs.c1.slice(0, 13)} .* +Running +c1 +0 +${pods.p1.slice(0, 13)} +unknown +unknown$`));
    const v = (await ok('ps', ['-v', '--id', ctrs.c2, '-a'])).stdout;
    assert.match(v, new RegExp(`^ID: ${ctrs.c2}\\nPodID: ${pods.p3}\\nNamespace: alpha\\nName: c2\\nAttempt: 0\\nState: Created\\nImage: ${img.two.replace(/\./g, '\\.')}\\nCreated: .+ ago\\nLabels:\\n\\tio\\.kubernetes\\.pod\\.name -> alpha-2\\n\\tio\\.kubernetes\\.pod\\.namespace -> alpha\\n\\trole -> two\\n\\n$`));
  });

  it('exec without -s passes the exit code; statsp lists the pods in crictl\'s table', async () => {
    const r = await crictl('exec', [ctrs.c1, BB, 'sh', '-c', 'echo out; echo err >&2; exit 5']);
    assert.equal(r.code, 5);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    const t = (await ok('statsp', ['--id', pods.p1])).stdout.replace(/^\u001b\[2J\u001b\[H/, '').trimEnd().split('\n');
    assert.match(t[0], /^POD +POD ID +CPU % +MEM$/);
    assert.match(t[1], new RegExp(`^alpha-1 +${pods.p1.slice(0, 13)} +\\d+\\.\\d\\d +[\\d.]+[kMG]?B$`));
  });

  it('rmi --prune removes only the images no container uses, created or running', async () => {
    assert.equal((await ok('images', ['-q'])).stdout.trim().split('\n').length, 3);
    const r = await ok('rmi', ['--prune']);
    assert.equal(r.stdout, `Deleted: ${img.three}\n`);
    assert.deepEqual((await q('images', ['-q'])).sort(), [img.oneId, img.twoId].sort());
    const again = await ok('rmi', ['--prune']);
    assert.equal(again.stdout, '');
  });

  it('rmp without -f refuses a ready pod whose container runs; after stopp it removes both', async () => {
    const r = await crictl('rmp', [pods.p1]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /level=fatal msg=".*is running, please stop it first/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.deepEqual(await q('ps', ['-q']), [ctrs.c1], 'the container still runs');
    await ok('stopp', [pods.p1]);
    assert.deepEqual(await q('ps', ['-q']), []);
    const rm = await ok('rmp', [pods.p1]);
    assert.equal(rm.stdout, `Removed sandbox ${pods.p1}\n`);
    assert.ok(!(await q('ps', ['-aq'])).includes(ctrs.c1), 'the pod\'s container went with it');
    const runc = await runBin('runc', ['--root', join(state, 'runc', 'k8s.io'), 'list', '-q'], { timeout: 60_000 });
    assert.equal(runc.stdout.trim(), '');
    const ctr = await runBin('ctr', ['--root', root, '-n', 'k8s.io', 'containers', 'ls', '-q'], { timeout: 60_000 });
    assert.deepEqual(ctr.stdout.trim().split('\n').sort(), [pods.p2, pods.p3, ctrs.c2].sort());
    await ok('rmp', ['-f', '-a']);
    assert.equal((await runBin('ctr', ['--root', root, '-n', 'k8s.io', 'containers', 'ls', '-q'], { timeout: 60_000 })).stdout, '');
    assert.ok(!existsSync(join(state, 'io.containerd.runtime.v2.task', 'k8s.io', ctrs.c1)));
    assertNoLeaks();
  });
});
