#!/usr/bin/env node
// Start-up benchmark of issue 6: `ctr --help`, `runc list`, `crictl ps` (empty store) and
// `node -e 0`, each with and without NODE_EXTRA_CA_CERTS in the environment. Not a test.
//
//   node scripts/bench-startup.mjs [--runs N] [--ca FILE] [--json FILE]
//
// `npm run bench` calls benchStartup() (scripts/bench.mjs: --only startup, --skip-startup).
//
// The launchers in bin/ are shell scripts that move NODE_EXTRA_CA_CERTS to BERTH_EXTRA_CA_CERTS
// before exec'ing node, because Node reads and parses that file at every start. To show what that
// gives, each CLI is also run as `node packages/<tool>/bin/run.js` (the same entry without the
// shell step), where Node does parse the file. The CA file is NODE_EXTRA_CA_CERTS of this
// process, else --ca, else Debian's bundle. Commands run interleaved, round after round, so load
// from elsewhere on the machine hits all alike; each is one spawnSync timed from spawn to exit.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { REPO_ROOT, binPath, childEnv, tempDir } from '../test/lib/index.mjs';
import { msSince, runStandalone, stats } from './bench-lib.mjs';

const DEBIAN_CA = '/etc/ssl/certs/ca-certificates.crt';

/** The four commands, each through its launcher (`launcher`) and through node directly (`direct`). */
function commands() {
  const tmp = tempDir('bench-startup');
  const runc = ['--root', join(tmp, 'runc'), 'list'];
  const crictl = ['--berth-root', join(tmp, 'root'), '--berth-state', join(tmp, 'state'), 'ps'];
  const run = (tool) => join(REPO_ROOT, 'packages', tool, 'bin', 'run.js');
  return [
    { label: 'node -e 0', launcher: [process.execPath, '-e', '0'] },
    { label: 'ctr --help', launcher: [binPath('ctr'), '--help'], direct: [process.execPath, run('ctr'), '--help'] },
    { label: 'runc list', launcher: [binPath('runc'), ...runc], direct: [process.execPath, run('runc'), ...runc] },
    { label: 'crictl ps (empty store)', launcher: [binPath('crictl'), ...crictl], direct: [process.execPath, run('crictl'), ...crictl] },
  ];
}

function once([file, ...args], env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  const ms = msSince(t0);
  if (r.status !== 0) throw new Error(`${[file, ...args].join(' ')}: exit ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').pop()}`);
  return ms;
}

export async function benchStartup({ runs = 20, ca, log = () => {} } = {}) {
  const caFile = ca ?? process.env.NODE_EXTRA_CA_CERTS ?? DEBIAN_CA;
  if (!existsSync(caFile)) throw new Error(`CA file ${caFile} does not exist: pass --ca FILE`);
  const without = childEnv();
  const withCa = childEnv({ NODE_EXTRA_CA_CERTS: caFile });
  // Variants: [row key, command, env].
  const variants = [];
  for (const c of commands()) {
    variants.push([`${c.label}|launcher|without`, c.launcher, without]);
    variants.push([`${c.label}|launcher|with`, c.launcher, withCa]);
    if (c.direct) variants.push([`${c.label}|direct|with`, c.direct, withCa]);
  }
  const raw = Object.fromEntries(variants.map(([k]) => [k, []]));
  log(`${runs} rounds of ${variants.length} commands (3 warm-up rounds)`);
  for (let w = 0; w < 3; w += 1) for (const [, cmd, env] of variants) once(cmd, env);
  for (let r = 0; r < runs; r += 1) for (const [k, cmd, env] of variants) raw[k].push(once(cmd, env));
  return { markdown: render(raw, caFile, runs), raw };
}

function render(raw, caFile, runs) {
  const cell = (k) => (raw[k] ? `${stats(raw[k]).median.toFixed(1)} / ${stats(raw[k]).min.toFixed(1)}` : '–');
  const med = (k) => (raw[k] ? stats(raw[k]).median : undefined);
  const node = med('node -e 0|launcher|without');
  const lines = ['### Start-up (issue 6) (ms, median / min)', '',
    '| command | without NODE_EXTRA_CA_CERTS | with it (bin/ launcher) | with it, `node …/bin/run.js` (no launcher) | ÷ node -e 0 (without) |',
    '| --- | --- | --- | --- | --- |'];
  const labels = [...new Set(Object.keys(raw).map((k) => k.split('|')[0]))];
  for (const l of labels) {
    const w = med(`${l}|launcher|without`);
    lines.push(`| ${l} | ${cell(`${l}|launcher|without`)} | ${cell(`${l}|launcher|with`)} | ${cell(`${l}|direct|with`)} | ${l === 'node -e 0' ? '1.00×' : `${(w / node).toFixed(2)}×`} |`);
  }
  lines.push('', `${runs} interleaved rounds; NODE_EXTRA_CA_CERTS=${caFile}. For \`node -e 0\` "with it" is plain node with the variable set.`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values: opt } = parseArgs({ options: { runs: { type: 'string', default: '20' }, ca: { type: 'string' }, json: { type: 'string' } } });
  // No leak check: nothing here makes mounts, cgroups or processes that outlive the command.
  await runStandalone('bench-startup', async (log) => {
    const r = await benchStartup({ runs: Math.max(1, Number(opt.runs)), ca: opt.ca, log });
    return { markdown: r.markdown, json: r.raw };
  }, { jsonFile: opt.json, leaks: false });
}
