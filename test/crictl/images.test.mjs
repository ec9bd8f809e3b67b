// crictl pull / images / inspecti / rmi / imagefsinfo / info / version end to end, against a real
// registry (Debian's docker-registry on 127.0.0.1) holding a two-layer busybox image built here
// and pushed by skopeo; ctr -n k8s.io sees what crictl pulled, and crictl what ctr pulled.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { makeLayout, sha256, skipWithoutRegistry as skip, skopeoPush, startRegistry } from '../ctr/registry-lib.mjs';

/** docker/go-units HumanSizeWithPrecision(n, 3), written out independently of berth's. */
function human3(n) {
  const units = ['B', 'kB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${Number(n.toPrecision(3))}${units[i]}`;
}

describe('crictl images', { skip }, () => {
  registerCleanup();
  const work = tempDir('crictl-img-work');
  const root = tempDir('crictl-img-root');
  const cniConf = tempDir('crictl-cni-conf');
  const berthConfig = join(work, 'config.toml');
  const env = { CRI_CONFIG_FILE: null, CONTAINER_RUNTIME_ENDPOINT: null, IMAGE_SERVICE_ENDPOINT: null };
  const crictl = (...args) => runBin('crictl', [...args, '--berth-root', root, '--berth-config', berthConfig], { timeout: 120_000, env });
  const ctr = (...args) => runBin('ctr', ['--root', root, '-n', 'k8s.io', ...args], { timeout: 120_000 });
  let registry;
  let host;
  let image;
  let image2;
  const ref = () => `${host}/test/busybox:1`;
  const id = () => sha256(image.config);

  before(async () => {
    writeFileSync(berthConfig, `version = 2\nroot = "${root}"\n[plugins."io.containerd.grpc.v1.cri".cni]\n  conf_dir = "${cniConf}"\n`);
    registry = await startRegistry(work);
    host = registry.host;
    image = makeLayout(work, join(work, 'oci'), [{ 'bin/busybox': '/bin/busybox' }, { 'etc/hello.txt': Buffer.from('hello from layer 2\n') }],
      { created: '2024-05-01T10:00:00.500000000Z', config: { Cmd: ['/bin/busybox', 'sh'], Env: ['PATH=/bin'], Labels: { b: '2', a: '1' }, User: '1000:1000' } });
    skopeoPush(join(work, 'oci'), '1', `${host}/test/busybox:1`);
    image2 = makeLayout(join(work, 'w2'), join(work, 'oci2'), [{ 'bin/busybox': '/bin/busybox' }], { config: { Cmd: ['/bin/busybox', 'true'], User: 'nobody' } });
    skopeoPush(join(work, 'oci2'), '1', `${host}/test/other:2`);
  });

  after(async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('pull prints the image id and records the tag, the repo digest and the id as containerd does', async () => {
    const r = await crictl('pull', ref());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Image is up to date for ${id()}\n`);
    const names = (await ctr('images', 'ls', '-q')).stdout.trim().split('\n').sort();
    assert.deepEqual(names, [ref(), `${host}/test/busybox@${sha256(image.manifest)}`, id()].sort());
    const ls = (await ctr('images', 'ls')).stdout.split('\n').slice(1).filter(Boolean);
    assert.equal(ls.length, 3);
    for (const row of ls) assert.match(row, /io\.cri-containerd\.image=managed/);
    // A second pull of the same image answers the same id.
    const again = await crictl('pull', ref());
    assert.equal(again.stdout, `Image is up to date for ${id()}\n`);
  });

  it('images: crictl\'s table, digests, quiet, no-trunc', async () => {
    const r = await crictl('images');
    assert.equal(r.code, 0, r.stderr);
    const size = image.size;
    const lines = r.stdout.split('\n');
    assert.match(lines[0], /^IMAGE {2,}TAG {2,}IMAGE ID {2,}SIZE$/);
    assert.deepEqual(lines.slice(1), [expectRow(lines[0], [`${host}/test/busybox`, '1', id().slice(7, 20), human3(size)]), '']);
    const d = await crictl('images', '--digests');
    const dl = d.stdout.split('\n');
    assert.match(dl[0], /^IMAGE {2,}TAG {2,}DIGEST {2,}IMAGE ID {2,}SIZE$/);
    assert.equal(dl[1].split(/ {2,}/)[2], sha256(image.manifest).slice(7, 20));
    assert.equal((await crictl('images', '-q')).stdout, `${id()}\n`);
    assert.equal((await crictl('img', '--no-trunc')).stdout.split('\n')[1].split(/ {2,}/)[2], id());
    const v = await crictl('image', '-v');
    assert.equal(v.stdout, `ID: ${id()}\nRepoTags: ${ref()}\nRepoDigests: ${host}/test/busybox@${sha256(image.manifest)}\nSize: ${size}\nUid: &Int64Value{Value:1000,}\n\n`);
  });

  it('images -o json|yaml: the CRI Image message with protobuf JSON types', async () => {
    const j = JSON.parse((await crictl('images', '-o', 'json')).stdout);
    assert.deepEqual(j, { images: [{
      id: id(), repoTags: [ref()], repoDigests: [`${host}/test/busybox@${sha256(image.manifest)}`],
      size: String(image.size), uid: { value: '1000' }, username: '', spec: null, pinned: false,
    }] });
    const y = (await crictl('images', '-o', 'yaml')).stdout;
    assert.match(y, new RegExp(`^images:\\n- id: ${id()}\\n  pinned: false\\n  repoDigests:\\n  - ${host.replace(/\./g, '\\.')}/test/busybox@sha256:[0-9a-f]{64}\\n`));
    assert.match(y, new RegExp(`\\n  size: "${image.size}"\\n`));
  });

  it('inspecti: the status and containerd\'s verbose info, by tag, id, short id and familiar name', async () => {
    const r = await crictl('inspecti', ref());
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(doc), ['status', 'info']);
    assert.equal(doc.status.id, id());
    const tpl = await crictl('inspecti', '-o', 'go-template', '--template', '{{.status.id}} {{index .status.repoTags 0}} {{.status.size}}', ref());
    assert.equal(tpl.code, 0, tpl.stderr);
    assert.equal(tpl.stdout, `${id()} ${ref()} ${doc.status.size}\n`);
    // A key the document lacks is an error (crictl's missingkey=error), in crictl's words.
    const bad = await crictl('inspecti', '-o', 'go-template', '--template', '{{.status.nope}}', ref());
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /level=fatal msg="output status for \\".+\\": failed to template data: template: tmplExecuteRawJSON:1:2: executing \\"tmplExecuteRawJSON\\" at <.status.nope>: map has no entry for key \\"nope\\""\n$/);
    assert.deepEqual(doc.status.repoTags, [ref()]);
    assert.equal(doc.info.chainID, sha256(`${image.diffIDs[0]} ${image.diffIDs[1]}`));
    assert.deepEqual(doc.info.imageSpec, {
      created: '2024-05-01T10:00:00.5Z', architecture: doc.info.imageSpec.architecture, os: 'linux',
      config: { User: '1000:1000', Env: ['PATH=/bin'], Cmd: ['/bin/busybox', 'sh'], Labels: { a: '1', b: '2' } },
      rootfs: { type: 'layers', diff_ids: image.diffIDs },
    });
    // Go's key order, two-space indentation.
    assert.match(r.stdout, /^{\n {2}"status": {\n {4}"id": "sha256:[0-9a-f]{64}",\n {4}"repoTags": \[\n/);
    for (const name of [id(), id().slice(7, 19)]) {
      const s = JSON.parse((await crictl('inspecti', '-q', name)).stdout);
      assert.deepEqual(Object.keys(s), ['status']);
      assert.equal(s.status.id, id());
    }
    const t = await crictl('inspecti', '-o', 'table', ref());
    assert.match(t.stdout, new RegExp(`^ID: ${id()}\\nTag: ${ref().replace(/\./g, '\\.')}\\nDigest: .*\\nSize: ${human3(image.size).replace('.', '\\.')}\\nInfo: map\\[info:\\{"chainID"`));
  });

  it('inspecti of an unknown image: crictl\'s fatal line', async () => {
    const r = await crictl('inspecti', 'nope:1');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^time="[^"]+" level=fatal msg="no such image \\"nope:1\\" present"\n$/);
  });

  it('imagefsinfo: the snapshotter root and the snapshots\' use', async () => {
    const r = await crictl('imagefsinfo');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    const fs0 = doc.status.imageFilesystems[0];
    assert.deepEqual(Object.keys(doc.status), ['imageFilesystems', 'containerFilesystems']);
    assert.deepEqual(doc.status.containerFilesystems, []);
    assert.equal(fs0.fsId.mountpoint, join(root, 'io.containerd.snapshotter.v1.overlayfs'));
    assert.ok(Number(fs0.usedBytes.value) >= 1_000_000, `busybox is in the snapshots: ${fs0.usedBytes.value}`);
    assert.ok(Number(fs0.inodesUsed.value) >= 4, fs0.inodesUsed.value);
    assert.ok(Math.abs(Number(BigInt(fs0.timestamp) / 1_000_000n) - Date.now()) < 60_000, fs0.timestamp);
    const t = await crictl('imagefsinfo', '-o', 'go-template', '--template', '{{range .status.imageFilesystems}}{{.fsId.mountpoint}}{{end}}');
    assert.equal(t.code, 0, t.stderr);
    assert.equal(t.stdout, `${fs0.fsId.mountpoint}\n`);
  });

  it('an image ctr pulled into k8s.io is listed; one pulled by digest has no tag', async () => {
    const r = await ctr('images', 'pull', '--plain-http', `${host}/test/other:2`);
    assert.equal(r.code, 0, r.stderr);
    const rows = (await crictl('images')).stdout.split('\n').slice(1, -1).map((l) => l.split(/ {2,}/));
    assert.deepEqual(rows.map((c) => c.slice(0, 3)), [
      [`${host}/test/busybox`, '1', id().slice(7, 20)],
      [`${host}/test/other`, '2', sha256(image2.config).slice(7, 20)],
    ]);
    const s = JSON.parse((await crictl('inspecti', `${host}/test/other:2`)).stdout).status;
    assert.deepEqual([s.repoDigests, s.uid, s.username], [[], null, 'nobody']);
    assert.equal((await crictl('rmi', `${host}/test/other:2`)).stdout, `Deleted: ${host}/test/other:2\n`);

    const byDigest = `${host}/test/other@${sha256(image2.manifest)}`;
    assert.equal((await crictl('pull', byDigest)).stdout, `Image is up to date for ${sha256(image2.config)}\n`);
    const row = (await crictl('images')).stdout.split('\n').find((l) => l.includes('/test/other'));
    assert.deepEqual(row.split(/ {2,}/).slice(0, 2), [`${host}/test/other`, '<none>']);
    assert.equal((await crictl('rmi', sha256(image2.config))).stdout, `Deleted: ${byDigest}\n`);
  });

  it('pull of an unknown image, and bad credentials flags: crictl\'s errors', async () => {
    const r = await crictl('pull', `${host}/test/nope`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`level=fatal msg="pulling image: rpc error: code = NotFound desc = failed to pull and unpack image \\\\"${host.replace(/\./g, '\\.')}/test/nope:latest\\\\": .*not found`));
    const both = await crictl('pull', '--creds', 'a:b', '--auth', 'eDp5', ref());
    assert.equal(both.code, 1);
    assert.match(both.stderr, /level=fatal msg="both `--creds` and `--auth` are specified"/);
    const pod = join(work, 'pod.json');
    writeFileSync(pod, JSON.stringify({ metadata: { name: 'a' } }));
    assert.match((await crictl('pull', '--pod-config', pod, ref())).stderr, /level=fatal msg="load podSandboxConfig: name, namespace or uid is not in metadata \\"&PodSandboxMetadata\{Name:a,Uid:,Namespace:,Attempt:0,\}\\""/);
    writeFileSync(pod, JSON.stringify({ metadata: { name: 'a', namespace: 'default', uid: 'u1' } }));
    assert.equal((await crictl('pull', '--pod-config', pod, ref())).stdout, `Image is up to date for ${id()}\n`);
    const empty = await crictl('pull');
    assert.match(empty.stderr, /level=fatal msg="Image name cannot be empty"/);
    // The registry asks for no credentials: given ones are harmless.
    assert.equal((await crictl('pull', '--auth', Buffer.from('u:p').toString('base64'), ref())).code, 0);
  });

  it('rmi: unknown ids are errors, tags are printed, every reference goes', async () => {
    const bad = await crictl('rmi', 'nope');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /level=error msg="no such image nope"\n.*level=fatal msg="unable to remove the image\(s\)"\n$/);
    const r = await crictl('rmi', id().slice(7, 20));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Deleted: ${ref()}\n`);
    assert.equal((await ctr('images', 'ls', '-q')).stdout, '');
    assert.equal((await crictl('images', '-q')).stdout, '');
    const none = await crictl('rmi', '-a');
    assert.equal(none.code, 0);
    assert.match(none.stderr, /level=info msg="No images to remove"/);
    assert.equal((await crictl('pull', ref())).code, 0);
    const all = await crictl('rmi', '--all');
    assert.equal(all.stdout, `Deleted: ${ref()}\n`);
  });

  it('version and info: containerd\'s answers with berth\'s names', async () => {
    const v = await crictl('version');
    assert.equal(v.stdout, 'Version:  0.1.0\nRuntimeName:  berth\nRuntimeVersion:  0.1.0\nRuntimeApiVersion:  v1\n');
    const i = JSON.parse((await crictl('info')).stdout);
    assert.deepEqual(i.status.conditions.slice(0, 2), [
      { type: 'RuntimeReady', status: true, reason: '', message: '' },
      { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'Network plugin returns error: cni plugin not initialized' },
    ]);
    assert.equal(i.runtimeHandlers, null);
    assert.equal(i.config.containerdRootDir, root);
    assert.equal(i.config.cni.confDir, cniConf);
    assert.match(i.lastCNILoadStatus, /no network config found in/);
    mkdirSync(cniConf, { recursive: true });
    writeFileSync(join(cniConf, '10-test.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'test', plugins: [{ type: 'bridge' }, { type: 'portmap' }] }));
    const ready = JSON.parse((await crictl('info', '-q')).stdout);
    assert.deepEqual(Object.keys(ready), ['status', 'runtimeHandlers']);
    assert.deepEqual(ready.status.conditions[1], { type: 'NetworkReady', status: true, reason: '', message: '' });
    const t = await crictl('info', '-o', 'go-template', '--template', '{{range $i, $c := .status.conditions}}{{if lt $i 2}}{{$c.type}}={{$c.status}} {{end}}{{end}}{{.config.containerdRootDir}}');
    assert.equal(t.code, 0, t.stderr);
    assert.equal(t.stdout, `RuntimeReady=true NetworkReady=true ${root}\n`);
  });
});

/** The row a Go tabwriter (minwidth 20, padding 3) makes of `cells` under `header`'s columns. */
function expectRow(header, cells) {
  const starts = [0, ...[...header.matchAll(/ {2,}(?=\S)/g)].map((m) => m.index + m[0].length)];
  return cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(starts[i + 1] - starts[i]) : c)).join('');
}
