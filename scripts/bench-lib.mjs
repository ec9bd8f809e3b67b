// What the benchmark modules share: sample statistics, timing a child from spawn to exit, and
// running a module on its own (print the markdown, write --json, clean up, check for leaks).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cleanupAll, findLeaks } from '../test/lib/index.mjs';

/** n, median and p90 (nearest rank), min, max of a list of numbers. */
export function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const rank = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return { n: s.length, median: rank(0.5), p90: rank(0.9), min: s[0], max: s[s.length - 1] };
}

/** Milliseconds since t0 (a process.hrtime.bigint()). */
export const msSince = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

/** One child to completion, timed from spawn to exit: { ms, code, signal, stdout, stderr }. */
export function runTimed(file, args, { env, timeout = 300_000 } = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const out = [];
    const err = [];
    const timer = setTimeout(() => p.kill('SIGKILL'), timeout);
    p.stdout.on('data', (b) => out.push(b));
    p.stderr.on('data', (b) => err.push(b));
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ ms: msSince(t0), code: code ?? 128, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

/**
 * A benchmark run on its own: `bench(log)` returns { markdown, json? }; the markdown goes to
 * stdout, json (when given) to jsonFile. Then everything tracked is cleaned up and, with leaks,
 * mounts, cgroups and processes left behind fail the run too.
 */
export async function runStandalone(name, bench, { jsonFile, leaks = true } = {}) {
  const log = (m) => process.stderr.write(`${name}: ${m}\n`);
  let code = 0;
  try {
    const r = await bench(log);
    process.stdout.write(`${r.markdown}\n`);
    if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(r.json, null, 2)}\n`);
  } catch (e) {
    code = 1;
    log(`failed: ${e.stack ?? e}`);
  } finally {
    const left = cleanupAll();
    if (leaks) {
      const l = findLeaks();
      left.push(...l.mounts, ...l.cgroups, ...l.processes);
    }
    if (left.length > 0) { log(`left behind: ${left.join('; ')}`); code = 1; }
  }
  process.exitCode = code;
}
