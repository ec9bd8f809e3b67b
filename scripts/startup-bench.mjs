#!/usr/bin/env node
// Start-up time of the CLIs against bare `node -e 0` in the same environment (docs/startup.md).
// Runs the commands interleaved, round after round, so load from elsewhere hits all alike, and
// reports median and minimum wall time. Usage:
//   node scripts/startup-bench.mjs [--runs N] ['cmd args' ...]
// Without commands: node -e 0 and the hot runc commands on an empty temporary --root.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
let runs = 40;
const ri = argv.indexOf('--runs');
if (ri >= 0) { runs = Number(argv[ri + 1]); argv.splice(ri, 2); }

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-'));
const runc = path.join(repo, 'bin', 'runc');
const commands = argv.length > 0 ? argv.map((c) => c.split(' ')) : [
  ['node', '-e', '0'],
  [runc, '--root', tmp, 'list'],
  [runc, '--root', tmp, 'state', 'nosuch'],
  [runc, '--root', tmp, 'kill', 'nosuch'],
  [runc, '--root', tmp, 'delete', 'nosuch'],
  [runc, '--root', tmp, 'start', 'nosuch'],
];

function once([cmd, ...args]) {
  const t0 = process.hrtime.bigint();
  spawnSync(cmd, args, { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

try {
  const times = commands.map(() => []);
  for (let w = 0; w < 3; w++) commands.forEach((c) => once(c));
  for (let r = 0; r < runs; r++) commands.forEach((c, i) => times[i].push(once(c)));
  const base = times[0].slice().sort((a, b) => a - b);
  const baseMed = base[base.length >> 1];
  const baseMin = base[0];
  for (const [i, c] of commands.entries()) {
    const t = times[i].slice().sort((a, b) => a - b);
    const med = t[t.length >> 1];
    const label = c.map((a) => (a === tmp ? '<tmp>' : a.startsWith(repo) ? path.relative(repo, a) : a)).join(' ');
    process.stdout.write(`${med.toFixed(1).padStart(7)} ms median ${t[0].toFixed(1).padStart(7)} ms min  ×${(med / baseMed).toFixed(2)} ×${(t[0] / baseMin).toFixed(2)}  ${label}\n`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
