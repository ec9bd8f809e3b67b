#!/usr/bin/env node
// The task benchmark of issue 4: berth's ctr against Debian's containerd + ctr +
// containerd-shim-runc-v2 on the same image (an OCI archive made from busybox-static, as
// scripts/demo-image.mjs makes it, imported into both). Not a test.
//
//   node scripts/bench-tasks.mjs [--runs N] [--tasks N] [--json FILE]
//
// `npm run bench` calls benchTasks() (scripts/bench.mjs: --only tasks, --skip-tasks).
//
// Rows: `ctr run --rm IMG id true` (sequential, one process each, timed from spawn to exit);
// `ctr t ls` with N tasks running; N concurrent `ctr run -d --null-io IMG id sleep 1000` (wall
// time from the first spawn to the last exit); their removal (N concurrent `t rm -f id && c rm id`
// chains); the shims' memory with N tasks running: RSS and PSS from /proc/<shim>/smaps_rollup,
// the mean over the N shims, 10 s after the last start (idle shims). A task's shim is the parent of its init (both runtimes make the shim
// the init's parent and subreaper). berth gets a fresh --root/--state, containerd a private daemon
// (test/lib/containerd.mjs) with its own root, state and socket.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { binPath, childEnv, tempDir, trackContainer, uniqueId, untrackContainer } from '../test/lib/index.mjs';
import { startContainerd, REAL_CTR } from '../test/lib/containerd.mjs';
import { msSince, runStandalone, runTimed, stats } from './bench-lib.mjs';
import { DEMO_IMAGE, writeBusyboxArchive } from './demo-image.mjs';

const ENV = childEnv();
const BERTH_CTR = binPath('ctr');

/** One child to completion: { ms, code, stdout, stderr }. */
const run = (file, args, { timeout } = {}) => runTimed(file, args, { env: ENV, timeout });

function rollup(pid) {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: kb('Rss'), pss: kb('Pss'), anon: kb('Anonymous') };
}

const ppid = (pid) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
const comm = (pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();

/** The two tools as { key, label, ctr(args) }: the same ctr command lines, each its own store. */
async function setupTools(archive, log) {
  const root = tempDir('bench-ctr-root');
  const state = tempDir('bench-ctr-state');
  const berth = {
    key: 'berth', label: 'berth ctr',
    ctr: (args, o) => run(BERTH_CTR, ['--root', root, '--state', state, ...args], o),
    track: (id) => {
      trackContainer({ tool: BERTH_CTR, root, id, deleteArgs: ['--root', root, '--state', state, 'containers', 'rm', id] });
      trackContainer({ tool: BERTH_CTR, root, id, deleteArgs: ['--root', root, '--state', state, 'tasks', 'rm', '-f', id] });
    },
    untrack: (id) => { untrackContainer(id); untrackContainer(id); },
  };
  log('starting a private containerd');
  const cd = await startContainerd();
  const containerd = {
    key: 'containerd', label: 'containerd ctr',
    ctr: (args, o) => run(REAL_CTR, ['--address', cd.address, ...args], o),
    track: () => {}, untrack: () => {}, // cd.stop() removes every task and container
    stop: () => cd.stop(),
  };
  for (const t of [berth, containerd]) {
    log(`${t.label}: images import`);
    const r = await t.ctr(['images', 'import', archive]);
    if (r.code !== 0) throw new Error(`${t.label} images import: ${r.stderr.trim()}`);
  }
  return [berth, containerd];
}

async function runRmOnce(tool, raw) {
  const id = uniqueId();
  tool.track(id);
  const r = await tool.ctr(['run', '--rm', '--null-io', DEMO_IMAGE, id, 'true']);
  if (r.code !== 0) throw new Error(`${tool.label} run --rm: exit ${r.code}: ${r.stderr.trim()}`);
  tool.untrack(id);
  (raw['run --rm'] ??= {})[tool.key] ??= [];
  raw['run --rm'][tool.key].push(r.ms);
}

/** Shim memory: the mean over the tasks' shims (the parent of each init). */
function shimMemory(tool, running, n, raw, notes) {
  const shims = running.map((r) => ppid(Number(r[1])));
  const names = new Set(shims.map(comm));
  const mem = shims.map(rollup);
  const mean = (k) => mem.reduce((s, m) => s + m[k], 0) / mem.length;
  for (const k of ['rss', 'pss']) ((raw[`shim ${k.toUpperCase()} (kB, mean of ${n})`] ??= {})[tool.key] ??= []).push(mean(k));
  notes.push(`${tool.label}: shim processes ${[...names].join(', ')}, ${new Set(shims).size} distinct`);
}

async function removeAll(tool, ids, raw, n) {
  const t0 = process.hrtime.bigint();
  const results = await Promise.all(ids.map(async (id) => {
    const t = await tool.ctr(['t', 'rm', '-f', id]);
    const c = await tool.ctr(['c', 'rm', id]);
    return t.code === 0 && c.code === 0 ? null : `${id}: ${t.stderr.trim()} ${c.stderr.trim()}`;
  }));
  ((raw[`removal of ${n} (concurrent t rm -f + c rm)`] ??= {})[tool.key] ??= []).push(msSince(t0));
  const bad = results.filter(Boolean);
  if (bad.length) throw new Error(`${tool.label} removal: ${bad[0]}`);
  for (const id of ids) tool.untrack(id);
}

const TARGETS = {
  'run --rm': { max: 1.25, text: '≤ 1.25× containerd' },
  't ls': { max: 1.5, text: '≤ 1.5× containerd' },
  'concurrent run -d': { max: 1, text: '< containerd' },
};

function render(raw, notes, n, runs) {
  const lines = [`### Tasks: berth ctr vs containerd 1.6 ctr (ms, median / p90; memory in kB)`, '',
    '| operation | berth ctr | containerd ctr | berth/containerd | target |', '| --- | --- | --- | --- | --- |'];
  for (const [row, byTool] of Object.entries(raw)) {
    const cell = (k) => (byTool[k] ? (byTool[k].length > 1 ? `${stats(byTool[k]).median.toFixed(1)} / ${stats(byTool[k]).p90.toFixed(1)}` : byTool[k][0].toFixed(1)) : 'n/a');
    const b = byTool.berth ? stats(byTool.berth).median : undefined;
    const c = byTool.containerd ? stats(byTool.containerd).median : undefined;
    const ratio = b !== undefined && c !== undefined ? b / c : undefined;
    let target = '';
    const t = Object.entries(TARGETS).find(([k]) => row.includes(k))?.[1];
    if (t && ratio !== undefined) target = `${t.text}: ${(t.max === 1 ? ratio < 1 : ratio <= t.max) ? 'met' : 'MISSED'}`;
    if (row.startsWith('shim PSS') && b !== undefined) target = `< 10240 kB: ${b < 10240 ? 'met' : 'MISSED'}`;
    lines.push(`| ${row} | ${cell('berth')} | ${cell('containerd')} | ${ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}×`} | ${target} |`);
  }
  lines.push('', `${runs} rounds of run --rm and of t ls, each tool once per round; ${n} tasks of \`busybox sleep 1000\` for the rest, one round.`);
  for (const note of notes) lines.push(`- ${note}`);
  return lines.join('\n');
}

export async function benchTasks({ runs = 10, tasks = 50, log = () => {} } = {}) {
  const archive = join(tempDir('bench-tasks'), 'busybox-oci.tar');
  writeBusyboxArchive(archive);
  const tools = await setupTools(archive, log);
  const raw = {};
  const notes = [];
  try {
    // Per-call rows in rounds, each tool once per round: the VM's speed drifts within minutes.
    log(`${runs} × run --rm true, each tool in turn`);
    for (let i = 0; i < runs; i += 1) for (const tool of tools) await runRmOnce(tool, raw);
    const started = [];
    for (const tool of tools) {
      const put = (row, v) => ((raw[row] ??= {})[tool.key] ??= []).push(v);
      const ids = Array.from({ length: tasks }, () => uniqueId());
      for (const id of ids) tool.track(id);
      log(`${tool.label}: ${tasks} concurrent run -d`);
      const t0 = process.hrtime.bigint();
      const starts = await Promise.all(ids.map((id) => tool.ctr(['run', '-d', '--null-io', DEMO_IMAGE, id, 'sleep', '1000'])));
      put(`${tasks} concurrent run -d`, msSince(t0));
      const failed = starts.find((r) => r.code !== 0);
      if (failed) throw new Error(`${tool.label} run -d: ${failed.stderr.trim()}`);
      const first = await tool.ctr(['t', 'ls']);
      const running = first.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((r) => r[2] === 'RUNNING');
      if (running.length !== tasks) throw new Error(`${tool.label} t ls: ${running.length} RUNNING of ${tasks}`);
      started.push({ tool, ids, running });
    }
    log(`t ls with ${tasks} running, each tool in turn`);
    for (let i = 0; i < runs; i += 1) {
      for (const { tool } of started) {
        const r = await tool.ctr(['t', 'ls']);
        if (r.code !== 0) throw new Error(`${tool.label} t ls: ${r.stderr.trim()}`);
        ((raw[`t ls (${tasks} running)`] ??= {})[tool.key] ??= []).push(r.ms);
      }
    }
    // Idle shims: berth's collects its start-up garbage 50 ms after start, and V8's memory
    // reducer shrinks its young generation ~8 s later; measure after both, as for idle tasks.
    await new Promise((r) => setTimeout(r, 10_000));
    for (const { tool, ids, running } of started) {
      shimMemory(tool, running, tasks, raw, notes);
      log(`${tool.label}: removal of ${tasks}`);
      await removeAll(tool, ids, raw, tasks);
    }
  } finally {
    await tools[1].stop();
  }
  return { markdown: render(raw, notes, tasks, runs), raw };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values: opt } = parseArgs({ options: { runs: { type: 'string', default: '10' }, tasks: { type: 'string', default: '50' }, json: { type: 'string' } } });
  await runStandalone('bench-tasks', async (log) => {
    const r = await benchTasks({ runs: Math.max(1, Number(opt.runs)), tasks: Math.max(1, Number(opt.tasks)), log });
    return { markdown: r.markdown, json: r.raw };
  }, { jsonFile: opt.json });
}
