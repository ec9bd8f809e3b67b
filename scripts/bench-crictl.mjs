#!/usr/bin/env node
// The crictl benchmark of issue 5: the cycle of a one-container pod (`crictl runp` + `create` +
// `start` + `stopp` + `rmp`) against `ctr run --rm` of the same image and command, and `crictl
// ps` / `crictl pods` with N pods each running one container. Not a test.
//
//   node scripts/bench-crictl.mjs [--runs N] [--pods N] [--json FILE]
//
// `npm run bench` calls benchCrictl() (scripts/bench.mjs: --only crictl, --skip-crictl).
//
// Every figure is one berth process timed from spawn to exit in this Node process (the pod cycle
// is the sum of its five). The image is docker.io/library/busybox:latest made from the host's
// busybox-static (scripts/demo-image.mjs), imported by berth's ctr into namespaces default (for
// ctr run) and k8s.io (for crictl). Pods get real CNI networking from Debian's plugins on a bridge
// and /24 of the benchmark's own (bridge with ipMasq, then portmap: a usual CRI conflist); all
// pods are removed at the end, the bridge too if the benchmark made it.
//
// It also measures the cycle's floor on this machine, what any crictl made of one Node process per
// command pays before doing anything of its own: five bare Node starts (`node -e 0`, in the
// launcher's environment) and the CNI plugins' ADD and DEL (from BERTH_TRACE in separate, traced
// cycles: the plugins' own time, which no design of berth's can shorten).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { binPath, childEnv, tempDir, trackContainer, uniqueId, untrackContainer } from '../test/lib/index.mjs';
import { msSince, runStandalone, runTimed, stats } from './bench-lib.mjs';
import { DEMO_IMAGE, writeBusyboxArchive } from './demo-image.mjs';

const ENV = childEnv({ CRI_CONFIG_FILE: null, CONTAINER_RUNTIME_ENDPOINT: null, IMAGE_SERVICE_ENDPOINT: null });
const CNI_BIN = '/usr/lib/cni';
// A bridge name (<= 15 characters) and a /24 of this process only (the tests use 10.200-249.x).
const TAG = process.pid % 100000;
const BRIDGE = `bcb${TAG}`;
const NET = `10.${150 + (process.pid % 40)}.${Math.floor(process.pid / 40) % 250}`;

/** One child to completion: { ms, code, stdout, stderr }. */
const run = (file, args, { timeout, env = ENV } = {}) => runTimed(file, args, { env, timeout });
// bin/<tool> moves NODE_EXTRA_CA_CERTS away before it starts Node (a bare start costs ~2× with it).
const LAUNCH_ENV = Object.fromEntries(Object.entries(ENV).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'));

const links = () => spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map((l) => l.split(':')[1].trim().split('@')[0]);

/** The store, the CNI conf dir and the two CLIs bound to them. */
function setup() {
  const work = tempDir('bench-crictl');
  const root = join(work, 'root');
  const state = join(work, 'state');
  const conf = join(work, 'net.d');
  mkdirSync(conf, { recursive: true });
  writeFileSync(join(conf, '10-bench.conflist'), JSON.stringify({
    cniVersion: '1.0.0', name: `berth-bench-${TAG}`,
    plugins: [
      { type: 'bridge', bridge: BRIDGE, isGateway: true, ipMasq: true, hairpinMode: true,
        ipam: { type: 'host-local', ranges: [[{ subnet: `${NET}.0/24` }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: join(state, 'ipam') } },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  }));
  const g = ['--berth-root', root, '--berth-state', state];
  const crictl = (cmd, args, env) => run(binPath('crictl'), [...g, cmd, ...args], { env });
  const ctr = (args) => run(binPath('ctr'), ['--root', root, '--state', state, ...args]);
  // Whatever a failure leaves: every pod of this store and its containers.
  trackContainer({ tool: binPath('crictl'), id: 'bench-crictl-pods', deleteArgs: ['rmp', ...g, '-f', '-a'] });
  let n = 0;
  const files = (name, command) => {
    n += 1;
    const pod = join(work, `pod-${n}.json`);
    const ctn = join(work, `ctr-${n}.json`);
    writeFileSync(pod, JSON.stringify({ metadata: { name: `${name}-${n}`, namespace: 'bench', uid: `uid-${name}-${n}`, attempt: 0 }, log_directory: join(work, 'logs', String(n)) }));
    writeFileSync(ctn, JSON.stringify({ metadata: { name: 'c' }, image: { image: DEMO_IMAGE }, command, log_path: 'c.log' }));
    return { pod, ctn };
  };
  return { work, crictl, ctr, files, cni: ['--cni-conf-dir', conf, '--cni-bin-dir', CNI_BIN] };
}

const must = (what, r) => {
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
  return r;
};

/** runp, create, start of one pod: { pod, ctn, ms: [runp, create, start] }. */
async function podUp(s, name, command) {
  const f = s.files(name, command);
  const rp = must('crictl runp', await s.crictl('runp', [...s.cni, f.pod]));
  const pod = rp.stdout.trim();
  const cr = must('crictl create', await s.crictl('create', [pod, f.ctn, f.pod]));
  const ctn = cr.stdout.trim();
  const st = must('crictl start', await s.crictl('start', [ctn]));
  return { pod, ctn, ms: [rp.ms, cr.ms, st.ms] };
}

const STEPS = ['runp', 'create', 'start', 'stopp', 'rmp'];

async function benchCycle(s, runs, raw, put) {
  for (let i = 0; i < runs; i += 1) {
    const up = await podUp(s, 'cycle', ['true']);
    const sp = must('crictl stopp', await s.crictl('stopp', [up.pod]));
    const rm = must('crictl rmp', await s.crictl('rmp', [up.pod]));
    const ms = [...up.ms, sp.ms, rm.ms];
    STEPS.forEach((step, k) => put(`crictl ${step}`, ms[k]));
    put('pod cycle (runp+create+start+stopp+rmp)', ms.reduce((a, b) => a + b, 0));
    const id = uniqueId();
    trackContainer({ tool: binPath('ctr'), id, deleteArgs: ['--root', join(s.work, 'root'), '--state', join(s.work, 'state'), 'containers', 'rm', id] });
    put('ctr run --rm IMG id true', must('ctr run --rm', await s.ctr(['run', '--rm', '--null-io', DEMO_IMAGE, id, 'true'])).ms);
    untrackContainer(id);
  }
}

/** Milliseconds between two BERTH_TRACE points of one process (the first of each), or undefined. */
function traceSpan(text, from, to) {
  const at = (what) => {
    const line = text.split('\n').find((l) => l.endsWith(` ${what}`));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };
  const a = at(from);
  const b = at(to);
  return a === undefined || b === undefined ? undefined : b - a;
}

/** The floor rows: bare Node starts, and the CNI ADD and DEL of traced cycles. */
async function benchFloor(s, runs, put) {
  const file = join(s.work, 'trace.log');
  const traced = { ...ENV, BERTH_TRACE: '1', BERTH_TRACE_FILE: file };
  for (let i = 0; i < runs; i += 1) {
    put('node -e 0 (a Node process, bare)', (await run('node', ['-e', '0'], { env: LAUNCH_ENV })).ms);
    writeFileSync(file, '');
    const f = s.files('floor', ['true']);
    const pod = must('crictl runp', await s.crictl('runp', [...s.cni, f.pod], traced)).stdout.trim();
    const add = traceSpan(readFileSync(file, 'utf8'), 'runp: namespaces pinned', 'runp: network added');
    writeFileSync(file, '');
    must('crictl stopp', await s.crictl('stopp', [pod], traced));
    const del = traceSpan(readFileSync(file, 'utf8'), 'stopp: containers stopped', 'pod: network deleted');
    must('crictl rmp', await s.crictl('rmp', [pod]));
    if (add === undefined || del === undefined) throw new Error('crictl runp/stopp: no BERTH_TRACE points for the CNI ADD/DEL');
    put('CNI ADD (in runp, traced)', add);
    put('CNI DEL (in stopp, traced)', del);
  }
}

async function benchLists(s, pods, runs, put, log) {
  log(`${pods} pods with a running container (4 at a time)`);
  const made = [];
  for (let i = 0; i < pods; i += 4) {
    const batch = Array.from({ length: Math.min(4, pods - i) }, () => podUp(s, 'list', ['sleep', '1000']));
    made.push(...await Promise.all(batch));
  }
  const ps = must('crictl ps', await s.crictl('ps', ['-q']));
  const running = ps.stdout.trim().split('\n').filter(Boolean).length;
  if (running !== pods) throw new Error(`crictl ps: ${running} running containers of ${pods}`);
  for (let i = 0; i < runs; i += 1) {
    put(`crictl ps (${pods} running)`, must('crictl ps', await s.crictl('ps', [])).ms);
    put(`crictl pods (${pods} ready)`, must('crictl pods', await s.crictl('pods', [])).ms);
    put(`crictl ps -a (${pods})`, must('crictl ps -a', await s.crictl('ps', ['-a'])).ms);
  }
  log(`removing ${pods} pods`);
  const t0 = process.hrtime.bigint();
  must('crictl stopp', await s.crictl('stopp', made.map((m) => m.pod)));
  must('crictl rmp', await s.crictl('rmp', made.map((m) => m.pod)));
  put(`stopp + rmp of ${pods} pods (one call each)`, msSince(t0));
}

function render(raw, runs, pods) {
  const med = (row) => (raw[row] ? stats(raw[row]).median : undefined);
  const cycle = med('pod cycle (runp+create+start+stopp+rmp)');
  const ctrRm = med('ctr run --rm IMG id true');
  const node = med('node -e 0 (a Node process, bare)');
  const cni = [med('CNI ADD (in runp, traced)'), med('CNI DEL (in stopp, traced)')];
  const floor = node !== undefined && cni.every((v) => v !== undefined) ? 5 * node + cni[0] + cni[1] : undefined;
  const lines = ['### crictl (issue 5): one-container pod cycle and listing (ms, median / p90)', '',
    '| operation | berth | target |', '| --- | --- | --- |'];
  for (const [row, s] of Object.entries(raw)) {
    const st = stats(s);
    let target = '';
    if (row.startsWith('pod cycle') && ctrRm) {
      target = `≤ 2× ctr run --rm: ${cycle / ctrRm <= 2 ? 'met' : 'MISSED'} (${(cycle / ctrRm).toFixed(2)}×${floor ? `; floor ${(floor / ctrRm).toFixed(2)}×` : ''})`;
    }
    if (/^crictl (ps|pods) \(/.test(row)) target = `< 200 ms: ${st.median < 200 ? 'met' : 'MISSED'}`;
    lines.push(`| ${row} | ${s.length > 1 ? `${st.median.toFixed(1)} / ${st.p90.toFixed(1)}` : st.median.toFixed(1)} | ${target} |`);
  }
  if (floor !== undefined && ctrRm) lines.push(`| floor of the cycle: 5 × node -e 0 + CNI ADD + DEL | ${floor.toFixed(1)} | ${(floor / ctrRm).toFixed(2)}× ctr run --rm |`);
  lines.push('', `${runs} pod cycles (container \`true\`), each followed by one \`ctr run --rm\` of the same image and command; `
    + `${runs} runs of each listing with ${pods} pods running \`sleep 1000\`. CNI: bridge (ipMasq) + portmap from ${CNI_BIN}. `
    + 'The floor is what a crictl of one Node process per command pays before any work of its own: five bare Node starts '
    + 'and the plugins\' ADD and DEL (BERTH_TRACE of separate cycles).');
  return lines.join('\n');
}

export async function benchCrictl({ runs = 10, pods = 50, log = () => {} } = {}) {
  const bridgeExisted = links().includes(BRIDGE);
  const s = setup();
  const raw = {};
  const put = (row, v) => (raw[row] ??= []).push(v);
  try {
    const archive = join(s.work, 'busybox-oci.tar');
    writeBusyboxArchive(archive);
    for (const ns of ['default', 'k8s.io']) must(`ctr -n ${ns} images import`, await s.ctr(['-n', ns, 'images', 'import', archive]));
    log(`${runs} pod cycles and ctr run --rm`);
    await benchCycle(s, runs, raw, put);
    log(`${runs} traced pod cycles and node -e 0 (the floor)`);
    await benchFloor(s, runs, put);
    await benchLists(s, pods, runs, put, log);
  } finally {
    await s.crictl('rmp', ['-f', '-a']);
    if (!bridgeExisted) spawnSync('ip', ['link', 'del', BRIDGE], { stdio: 'ignore' });
  }
  return { markdown: render(raw, runs, pods), raw };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values: opt } = parseArgs({ options: { runs: { type: 'string', default: '10' }, pods: { type: 'string', default: '50' }, json: { type: 'string' } } });
  await runStandalone('bench-crictl', async (log) => {
    const r = await benchCrictl({ runs: Math.max(1, Number(opt.runs)), pods: Math.max(1, Number(opt.pods)), log });
    return { markdown: r.markdown, json: r.raw };
  }, { jsonFile: opt.json });
}
