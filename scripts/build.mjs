#!/usr/bin/env node
// Builds every package: TypeScript project references (tsc -b).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-b', 'packages/core', 'packages/runc', 'packages/ctr', 'packages/crictl'], { cwd: root, stdio: 'inherit' });
