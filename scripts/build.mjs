#!/usr/bin/env node
// Builds every package: TypeScript project references (tsc -b), then one CommonJS bundle per CLI
// (scripts/bundle.mjs) that the launchers prefer for start-up time (docs/startup.md).
// tsc's type errors fail the build, but the bundles are still made from what tsc emitted.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { bundleAll } from './bundle.mjs';
import { bundleInit } from './bundle-init.mjs';
import { buildLock } from './build-lock.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const unlock = await buildLock(root);
const r = spawnSync(process.execPath, [tsc, '-b', 'packages/core', 'packages/runc', 'packages/ctr', 'packages/crictl'], { cwd: root, stdio: 'inherit' });
if (r.error) throw r.error;
await bundleAll(root);
await bundleInit(root);
// Man pages come from the commands' metadata, so they are rebuilt with them.
spawnSync(process.execPath, [path.join(root, 'scripts', 'man.mjs')], { stdio: 'inherit' });
unlock();
if (r.status !== 0) {
  process.stderr.write(`build: tsc reported errors (exit ${r.status}); bundles were made from the emitted JavaScript\n`);
  process.exit(r.status ?? 1);
}
