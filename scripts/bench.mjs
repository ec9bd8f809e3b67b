#!/usr/bin/env node
// `npm run bench`: wall-clock cost of berth's runc against Debian's runc and crun, and against
// `node -e 0` (the floor of any Node CLI); then the image benchmark (scripts/bench-images.mjs:
// pull+unpack and import of a ~400 MB image by berth and by containerd, and the physical floor).
// Not part of the tests.
//
//   node scripts/bench.mjs [--runs N] [--list-size N] [--concurrent N] [--concurrent-runs N]
//                          [--only berth,runc,crun,images,tasks,crictl,startup] [--skip-images] [--image-runs N]
//                          [--skip-tasks] [--task-runs N] [--tasks N]
//                          [--skip-crictl] [--crictl-runs N] [--pods N] [--skip-startup] [--startup-runs N]
//                          [--json FILE]
//
// --only images runs the image benchmark alone; --only with tool names alone skips it. The same
// for tasks (scripts/bench-tasks.mjs: ctr run/t ls/50 run -d/shim memory against containerd), crictl
// (scripts/bench-crictl.mjs: a pod's runp..rmp against ctr run --rm, ps/pods with 50 pods) and
// startup (scripts/bench-startup.mjs: ctr --help, runc list, crictl ps, node -e 0, with and
// without NODE_EXTRA_CA_CERTS).
//
// Every invocation is one spawnSync timed with process.hrtime.bigint(); stdout goes to
// /dev/null and stderr to a file (a created container inherits both, so pipes would hold
// spawnSync until it exits). Each tool gets its own temp --root; all containers are deleted at
// the end and the harness cleanup checks nothing is left.
//
// Tables are data: GROUPS holds one table per tool family (the runtime today; ctr and crictl
// later), each with its tools, rows and ratio columns.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchImages } from './bench-images.mjs';
import { benchTasks } from './bench-tasks.mjs';
import { benchCrictl } from './bench-crictl.mjs';
import { benchStartup } from './bench-startup.mjs';
import { msSince, stats } from './bench-lib.mjs';
import {
  REAL_CRUN, REAL_RUNC, binPath, childEnv, cleanupAll, findLeaks, makeBusyboxBundle, tempDir,
  tempRoot, trackContainer, uniqueId, untrackContainer,
} from '../test/lib/index.mjs';

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    'list-size': { type: 'string', default: '100' },
    concurrent: { type: 'string', default: '50' },
    'concurrent-runs': { type: 'string', default: '3' },
    only: { type: 'string' },
    'skip-images': { type: 'boolean', default: false },
    'image-runs': { type: 'string', default: '3' },
    'skip-tasks': { type: 'boolean', default: false },
    'task-runs': { type: 'string', default: '10' },
    tasks: { type: 'string', default: '50' },
    'skip-crictl': { type: 'boolean', default: false },
    'crictl-runs': { type: 'string', default: '10' },
    pods: { type: 'string', default: '50' },
    'skip-startup': { type: 'boolean', default: false },
    'startup-runs': { type: 'string', default: '20' },
    json: { type: 'string' },
  },
});
const RUNS = Math.max(1, Number(opt.runs));
const LIST_SIZE = Math.max(1, Number(opt['list-size']));
const CONCURRENT = Math.max(1, Number(opt.concurrent));
const CONCURRENT_RUNS = Math.max(1, Number(opt['concurrent-runs']));
const ONLY_ALL = opt.only ? new Set(opt.only.split(',')) : null;
const IMAGES = !opt['skip-images'] && (!ONLY_ALL || ONLY_ALL.has('images'));
ONLY_ALL?.delete('images');
const TASKS = !opt['skip-tasks'] && (!ONLY_ALL || ONLY_ALL.has('tasks'));
ONLY_ALL?.delete('tasks');
// Sections of their own modules, each one call below: [name, run(log)].
const SECTIONS = [
  ['crictl', (log) => benchCrictl({ runs: Math.max(1, Number(opt['crictl-runs'])), pods: Math.max(1, Number(opt.pods)), log })],
  ['startup', (log) => benchStartup({ runs: Math.max(1, Number(opt['startup-runs'])), log })],
].filter(([k]) => !opt[`skip-${k}`] && (!ONLY_ALL || ONLY_ALL.has(k)));
ONLY_ALL?.delete('crictl');
ONLY_ALL?.delete('startup');
// --only images (or tasks) alone: no runtime table at all.
const RUNTIME = !ONLY_ALL || ONLY_ALL.size > 0;
const ONLY = ONLY_ALL && ONLY_ALL.size > 0 ? ONLY_ALL : null;
const CMD_TIMEOUT = 120_000;
const NSENTER = '/usr/bin/nsenter';

const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
const ENV = childEnv(); // without NODE_EXTRA_CA_CERTS, as berth's own processes run
const notes = [];

// ---------------------------------------------------------------------------------------------
// statistics and timing

class ToolError extends Error {}

/** One timed, synchronous invocation of a tool; throws ToolError with its stderr on failure. */
function timed(tool, args, { allowFail = false } = {}) {
  ftruncateSync(tool.errFd, 0);
  const argv = [...tool.prefix, ...(tool.root ? ['--root', tool.root] : []), ...args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(tool.file, argv, { stdio: ['ignore', 'ignore', tool.errFd], env: tool.env ?? ENV, timeout: CMD_TIMEOUT });
  const ms = msSince(t0);
  if (!allowFail && (r.status !== 0 || r.error)) {
    const err = readFileSync(tool.errPath, 'utf8').trim().split('\n').pop() || r.error?.message || `exit ${r.status ?? r.signal}`;
    throw new ToolError(`${args[0]}: ${err}`);
  }
  return ms;
}

/** stdout of a (not timed) tool invocation, for state polling and listing. */
function output(tool, args) {
  const r = spawnSync(tool.file, [...tool.prefix, ...(tool.root ? ['--root', tool.root] : []), ...args], {
    stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8', env: tool.env ?? ENV, timeout: CMD_TIMEOUT,
  });
  return r.status === 0 ? r.stdout : null;
}

function waitStatus(tool, id, wanted, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = output(tool, ['state', id]);
    let status = null;
    try {
      status = out ? JSON.parse(out).status : null;
    } catch {
      throw new ToolError(`state: not JSON: ${out.slice(0, 80)}`);
    }
    if (status === wanted) return;
    if (Date.now() > deadline) throw new ToolError(`state: ${id} is ${status}, not ${wanted}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  }
}

// ---------------------------------------------------------------------------------------------
// tools

function makeTool(key, label, file, prefix = []) {
  const root = tempDir(`root-${key}`);
  const errPath = join(tempDir(`err-${key}`), 'stderr');
  writeFileSync(errPath, '');
  // O_APPEND: after the truncate before each call, the child writes from offset 0 again.
  return { key, label, file, prefix, root, errPath, errFd: openSync(errPath, 'a+'), live: new Set(), failures: {} };
}

/** Remember a container as live (deleted at the end) and for the harness's crash cleanup. */
function born(tool, id) {
  tool.live.add(id);
  if (tool.prefix.length === 0) trackContainer({ tool: tool.file, root: tool.root, id });
  else trackContainer({ tool: tool.file, id, deleteArgs: [...tool.prefix, '--root', tool.root, 'delete', '-f', id] });
  return id;
}

function gone(tool, id) {
  tool.live.delete(id);
  untrackContainer(id);
}

function deleteAll(tool) {
  for (const id of [...tool.live]) {
    timed(tool, ['delete', '-f', id], { allowFail: true });
    gone(tool, id);
  }
}

/**
 * crun 1.8 refuses to run when cgroup v1 and v2 are mixed and v2 has any controller (this
 * host: hugetlb). Run it through nsenter into a mount namespace of ours where
 * /sys/fs/cgroup/unified/cgroup.controllers reads empty; nsenter's own cost is measured too.
 */
function crunShim() {
  const dir = tempDir('crun-ns');
  const nsFile = join(dir, 'mnt');
  const empty = join(dir, 'empty');
  writeFileSync(nsFile, '');
  writeFileSync(empty, '');
  const r = spawnSync('unshare', [`--mount=${nsFile}`, '--propagation', 'private', 'mount', '--bind', empty,
    '/sys/fs/cgroup/unified/cgroup.controllers'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return ['--mount=' + nsFile];
}

function probe(tool) {
  const b = makeBusyboxBundle({ args: ['/bin/true'] });
  const id = uniqueId();
  try {
    timed(tool, ['run', '--bundle', b.dir, id]);
    return null;
  } catch (e) {
    timed(tool, ['delete', '-f', id], { allowFail: true });
    return e.message;
  }
}

function setupTools() {
  const tools = [];
  const want = (k) => !ONLY || ONLY.has(k);
  if (want('berth')) {
    if (existsSync(binPath('runc'))) tools.push(makeTool('berth', 'berth', binPath('runc')));
    else notes.push(`berth: ${binPath('runc')} does not exist`);
  }
  if (want('runc')) tools.push(makeTool('runc', 'runc', REAL_RUNC));
  if (want('crun')) {
    const crun = makeTool('crun', 'crun', REAL_CRUN);
    const why = probe(crun);
    if (why && /hybrid mode/.test(why)) {
      const ns = crunShim();
      if (ns) {
        Object.assign(crun, { file: NSENTER, prefix: [...ns, REAL_CRUN], label: 'crun*' });
        const t = { ...crun, prefix: ns, root: null };
        const nsenterCost = stats(Array.from({ length: 10 }, () => timed({ ...t, file: NSENTER }, ['/bin/true'])));
        const trueCost = stats(Array.from({ length: 10 }, () => timed({ ...t, file: '/bin/true', prefix: [] }, [])));
        notes.push(`crun*: crun 1.8 refuses hybrid cgroups with a v2 controller; it ran via nsenter into a mount `
          + `namespace where /sys/fs/cgroup/unified/cgroup.controllers is empty (nsenter adds `
          + `~${(nsenterCost.median - trueCost.median).toFixed(1)} ms to each crun figure)`);
      }
    }
    tools.push(crun);
  }
  return tools;
}

// ---------------------------------------------------------------------------------------------
// measurements: each fills results[row][tool] with samples, or tool.failures[row] with why not

const results = {};
const put = (row, tool, ms) => ((results[row] ??= {})[tool.key] ??= []).push(ms);

/**
 * RUNS rounds of `step(tool)`, each round every tool once in turn: the VM's speed drifts within
 * minutes here, and one tool's rounds run after another's skewed their ratios by ±10%. A tool
 * whose step fails is dropped from the later rounds (its rows report the failure).
 */
function rounds(tools, rows, step) {
  const live = [...tools];
  try {
    for (let i = 0; i < RUNS && live.length > 0; i += 1) {
      for (const tool of [...live]) {
        try {
          step(tool);
        } catch (e) {
          if (!(e instanceof ToolError)) throw e;
          for (const r of rows) if (!results[r]?.[tool.key]) tool.failures[r] ??= e.message;
          log(`${tool.label}: ${e.message}`);
          live.splice(live.indexOf(tool), 1);
          deleteAll(tool);
        }
      }
      nodeSample(rows);
    }
  } finally {
    for (const tool of tools) deleteAll(tool);
  }
}

let nodeTool;

/**
 * One `node -e 0` sample. Taken in every round of the per-call rows too (rounds): the VM's speed
 * drifts by 20% within an hour here, and a floor measured minutes apart skewed the ratios.
 */
function nodeSample(rows = []) {
  nodeTool ??= { key: 'node', file: process.execPath, prefix: [], root: null, ...errFile('node') };
  const ms = timed(nodeTool, ['-e', '0']);
  put('node -e 0', nodeTool, ms);
  // Also as the floor of the rows measured in the same rounds (floorOf).
  for (const r of rows) put(`${r} (floor)`, nodeTool, ms);
}

/** The median of `node -e 0` taken in the rounds of `row`, else overall. */
function floorOf(row) {
  return median(`${row} (floor)`, 'node') ?? median('node -e 0', 'node');
}

function benchNode() {
  const envWith = { ...process.env };
  delete envWith.NODE_TEST_CONTEXT;
  for (let i = 0; i < RUNS; i += 1) nodeSample();
  const node = nodeTool;
  if (process.env.NODE_EXTRA_CA_CERTS) {
    const withCa = { ...node, env: envWith };
    for (let i = 0; i < RUNS; i += 1) put('node -e 0 (NODE_EXTRA_CA_CERTS set)', withCa, timed(withCa, ['-e', '0']));
  } else {
    notes.push('NODE_EXTRA_CA_CERTS is not set here: no with-env figure for node -e 0');
  }
}

function errFile(key) {
  const errPath = join(tempDir(`err-${key}`), 'stderr');
  writeFileSync(errPath, '');
  return { errPath, errFd: openSync(errPath, 'a+') };
}

function benchLifecycle(tools) {
  const sleep = makeBusyboxBundle({ args: ['sleep', '1000'] });
  rounds(tools, ['create', 'start', 'state', 'kill', 'delete'], (tool) => {
    const id = born(tool, uniqueId());
    put('create', tool, timed(tool, ['create', '--bundle', sleep.dir, id]));
    put('start', tool, timed(tool, ['start', id]));
    put('state', tool, timed(tool, ['state', id]));
    put('kill', tool, timed(tool, ['kill', id, 'KILL']));
    waitStatus(tool, id, 'stopped');
    put('delete', tool, timed(tool, ['delete', id]));
    gone(tool, id);
  });
}

function benchRun(tools) {
  const t = makeBusyboxBundle({ args: ['/bin/true'] });
  rounds(tools, ['run /bin/true'], (tool) => {
    const id = born(tool, uniqueId());
    put('run /bin/true', tool, timed(tool, ['run', '--bundle', t.dir, id]));
    gone(tool, id); // `run` deletes the container when its process exits
  });
}

function benchList(tools) {
  rounds(tools, ['list (0 containers)'], (tool) => put('list (0 containers)', tool, timed(tool, ['list'])));
  const sleep = makeBusyboxBundle({ args: ['sleep', '1000'] });
  const row = `list (${LIST_SIZE} containers)`;
  const filled = tools.filter((tool) => {
    try {
      for (let i = 0; i < LIST_SIZE; i += 1) timed(tool, ['create', '--bundle', sleep.dir, born(tool, uniqueId())]);
      return true;
    } catch (e) {
      if (!(e instanceof ToolError)) throw e;
      tool.failures[row] ??= e.message;
      deleteAll(tool);
      return false;
    }
  });
  rounds(filled, [row], (tool) => put(row, tool, timed(tool, ['list'])));
}

/** create+start as an async child chain, for the concurrent row. */
function spawnChain(tool, bundleDir, id) {
  const one = (args) => new Promise((resolve, reject) => {
    const p = spawn(tool.file, [...tool.prefix, '--root', tool.root, ...args], { stdio: ['ignore', 'ignore', 'ignore'], env: ENV });
    p.on('error', reject);
    p.on('exit', (code, sig) => (code === 0 ? resolve() : reject(new ToolError(`${args[0]} ${id}: exit ${code ?? sig}`))));
  });
  return one(['create', '--bundle', bundleDir, id]).then(() => one(['start', id]));
}

async function benchConcurrent(tool) {
  const row = `${CONCURRENT} containers create+start concurrently`;
  const sleep = makeBusyboxBundle({ args: ['sleep', '1000'] });
  for (let rep = 0; rep < CONCURRENT_RUNS; rep += 1) {
    const ids = Array.from({ length: CONCURRENT }, () => born(tool, uniqueId()));
    const t0 = process.hrtime.bigint();
    const outcome = await Promise.allSettled(ids.map((id) => spawnChain(tool, sleep.dir, id)));
    const ms = msSince(t0);
    deleteAll(tool);
    const failed = outcome.find((o) => o.status === 'rejected');
    if (failed) {
      tool.failures[row] ??= failed.reason.message;
      log(`${tool.label}: ${failed.reason.message}`);
      return;
    }
    put(row, tool, ms);
  }
}

// ---------------------------------------------------------------------------------------------
// tables

const fmt = (v) => (v === undefined || v === null || Number.isNaN(v) ? 'n/a' : v.toFixed(1));
const median = (row, key) => (results[row]?.[key] ? stats(results[row][key]).median : undefined);

function cell(row, key) {
  const s = results[row]?.[key];
  if (!s) return 'n/a';
  const st = stats(s);
  return `${fmt(st.median)} / ${fmt(st.p90)}`;
}

function ratio(a, b) {
  return a !== undefined && b !== undefined ? `${(a / b).toFixed(2)}×` : 'n/a';
}

/**
 * The runtime table. A row: { label, target? }. target: { against: 'node' | <tool key>, max }.
 * perCall rows are one process each, so comparing them with `node -e 0` makes sense.
 */
function runtimeGroup() {
  const rows = [
    { label: 'run /bin/true', perCall: true, target: { against: 'runc', max: 2.5 } },
    { label: 'create', perCall: true },
    { label: 'start', perCall: true, target: { against: 'node', max: 1.3 } },
    { label: 'state', perCall: true, target: { against: 'node', max: 1.3 } },
    { label: 'kill', perCall: true, target: { against: 'node', max: 1.3 } },
    { label: 'delete', perCall: true, target: { against: 'node', max: 1.3 } },
    { label: 'list (0 containers)', perCall: true, target: { against: 'node', max: 1.3 } },
    { label: `list (${LIST_SIZE} containers)`, perCall: true, target: { against: 'node', max: 1.3 } },
    { label: `${CONCURRENT} containers create+start concurrently`, perCall: false },
  ];
  return {
    title: 'OCI runtime (ms, median / p90)',
    tools: ['berth', 'runc', 'crun'],
    rows,
    columns: [
      { header: 'berth/runc', value: (r) => ratio(median(r.label, 'berth'), median(r.label, 'runc')) },
      { header: 'berth/(node -e 0)', value: (r) => (r.perCall ? ratio(median(r.label, 'berth'), floorOf(r.label)) : '–') },
    ],
  };
}

function nodeGroup() {
  return {
    title: 'Node.js floor (ms, median / p90)',
    tools: ['node'],
    rows: [{ label: 'node -e 0' }, { label: 'node -e 0 (NODE_EXTRA_CA_CERTS set)' }],
    columns: [],
  };
}

function targetText(row) {
  if (!row.target) return '';
  const { against, max } = row.target;
  const base = against === 'node' ? floorOf(row.label) : median(row.label, against);
  const b = median(row.label, 'berth');
  const name = against === 'node' ? 'node -e 0' : against;
  if (b === undefined || base === undefined) return `≤ ${max}× ${name}: n/a`;
  const r = b / base;
  return `≤ ${max}× ${name}: ${r <= max ? 'met' : 'MISSED'} (${r.toFixed(2)}×)`;
}

function renderGroup(g, toolsByKey) {
  const header = ['operation', ...g.tools.map((k) => toolsByKey[k]?.label ?? k)];
  const withNode = g.tools[0] !== 'node';
  if (withNode) header.push('node -e 0');
  header.push(...g.columns.map((c) => c.header));
  if (g.rows.some((r) => r.target)) header.push('target');
  const lines = [`### ${g.title}`, '', `| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  for (const r of g.rows) {
    const cells = [r.label, ...g.tools.map((k) => cell(r.label, k))];
    if (withNode) cells.push(r.perCall ? cell(`${r.label} (floor)`, 'node') : '–');
    cells.push(...g.columns.map((c) => c.value(r)));
    if (g.rows.some((x) => x.target)) cells.push(targetText(r));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  log(`${RUNS} runs per figure; temp root ${tempRoot()}`);
  const tools = RUNTIME ? setupTools() : [];
  if (RUNTIME) benchNode();
  if (tools.length > 0) {
    log('list, each tool in turn');
    benchList(tools);
    log('create/start/state/kill/delete, each tool in turn');
    benchLifecycle(tools);
    log('run, each tool in turn');
    benchRun(tools);
  }
  for (const tool of tools) {
    log(`${tool.label}: ${CONCURRENT} concurrent create+start`);
    await benchConcurrent(tool);
  }
  const toolsByKey = Object.fromEntries(tools.map((t) => [t.key, t]));
  toolsByKey.node = { label: 'node -e 0' };
  const out = [];
  if (RUNTIME) {
    out.push(renderGroup(runtimeGroup(), toolsByKey), '', renderGroup(nodeGroup(), toolsByKey), '');
    out.push('Targets: start/state/kill/delete/list within 1.3× of `node -e 0`; run within 2.5× of runc.');
    out.push('All tools run without NODE_EXTRA_CA_CERTS in their environment.');
  }
  for (const t of tools) {
    const byWhy = new Map();
    for (const [row, why] of Object.entries(t.failures)) byWhy.set(why, [...(byWhy.get(why) ?? []), row]);
    for (const [why, rows] of byWhy) notes.push(`${t.label} n/a for ${rows.join(', ')}: ${why}`);
  }
  for (const n of notes) out.push(`- ${n}`);
  let images;
  if (IMAGES) {
    if (out.length > 0) out.push('');
    try {
      images = await benchImages({ runs: Math.max(1, Number(opt['image-runs'])), log: (m) => log(`images: ${m}`) });
      out.push(images.markdown);
    } catch (e) {
      // The runtime tables above are still worth printing.
      out.push(`Image benchmark failed: ${e.message}`);
      process.exitCode = 1;
    }
  }
  let tasks;
  if (TASKS) {
    if (out.length > 0) out.push('');
    try {
      tasks = await benchTasks({ runs: Math.max(1, Number(opt['task-runs'])), tasks: Math.max(1, Number(opt.tasks)), log: (m) => log(`tasks: ${m}`) });
      out.push(tasks.markdown);
    } catch (e) {
      out.push(`Task benchmark failed: ${e.message}`);
      process.exitCode = 1;
    }
  }
  const sections = {};
  for (const [k, fn] of SECTIONS) {
    if (out.length > 0) out.push('');
    try {
      sections[k] = await fn((m) => log(`${k}: ${m}`));
      out.push(sections[k].markdown);
    } catch (e) {
      out.push(`The ${k} benchmark failed: ${e.message}`);
      process.exitCode = 1;
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
  if (opt.json) {
    const raw = Object.fromEntries(Object.entries(results).map(([r, byTool]) => [r, Object.fromEntries(
      Object.entries(byTool).map(([k, s]) => [k, { ...stats(s), samples: s }]))]));
    writeFileSync(opt.json, `${JSON.stringify({ runs: RUNS, results: raw, notes, images: images && { meta: images.meta, raw: images.raw }, tasks: tasks?.raw, ...Object.fromEntries(Object.entries(sections).map(([k, r]) => [k, r.raw])) }, null, 2)}\n`);
  }
  for (const t of tools) closeSync(t.errFd);
}

let exitCode = 0;
try {
  await main();
} catch (e) {
  exitCode = 1;
  log(`failed: ${e.stack ?? e}`);
} finally {
  const problems = cleanupAll();
  const leaks = findLeaks();
  const left = [...problems, ...leaks.mounts, ...leaks.cgroups, ...leaks.processes];
  if (left.length > 0) {
    log(`left behind: ${left.join('; ')}`);
    exitCode = 1;
  }
}
process.exitCode = Math.max(exitCode, Number(process.exitCode ?? 0));
