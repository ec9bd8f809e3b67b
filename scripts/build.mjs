#!/usr/bin/env node
// Builds every package: TypeScript project references (tsc -b), then one CommonJS bundle per CLI
// (scripts/bundle.mjs) that the launchers prefer for start-up time (docs/startup.md).
// tsc's type errors fail the build, but the bundles are still made from what tsc emitted.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleAll } from './bundle.mjs';
import { bundleInit } from './bundle-init.mjs';
import { buildLock } from './build-lock.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const unlock = await buildLock(root);
const started = Date.now();
const r = spawnSync(process.execPath, [tsc, '-b', 'packages/core', 'packages/runc', 'packages/ctr', 'packages/crictl'], { cwd: root, stdio: 'inherit' });
if (r.error) throw r.error;
touchEditedDuringBuild(started);
await bundleAll(root);
await bundleInit(root);
await (await import('./bundle-shim.mjs')).bundleShim(root);
// Man pages come from the commands' metadata, so they are rebuilt with them.
spawnSync(process.execPath, [path.join(root, 'scripts', 'man.mjs')], { stdio: 'inherit' });
spawnSync(process.execPath, [path.join(root, 'scripts', 'completions.mjs')], { stdio: 'inherit' });
unlock();
if (r.status !== 0) {
  process.stderr.write(`build: tsc reported errors (exit ${r.status}); bundles were made from the emitted JavaScript\n`);
  process.exit(r.status ?? 1);
}

/**
 * tsc -b decides a project is up to date from timestamps: a source saved while tsc was running
 * is older than the .tsbuildinfo written at the end, so the next build would skip it. Such files
 * get a fresh mtime now, and the next build compiles them.
 */
function touchEditedDuringBuild(since) {
  const edited = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && fs.statSync(p).mtimeMs >= since - 1000) edited.push(p);
    }
  };
  for (const pkg of fs.readdirSync(path.join(root, 'packages'))) {
    const src = path.join(root, 'packages', pkg, 'src');
    if (fs.existsSync(src)) walk(src);
  }
  if (edited.length === 0) return;
  const now = new Date(Date.now() + 1000);
  for (const p of edited) fs.utimesSync(p, now, now);
  process.stderr.write(`build: ${edited.length} source file(s) changed while tsc ran; run the build again to compile them\n`);
}
