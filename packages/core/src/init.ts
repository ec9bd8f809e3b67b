/**
 * Entry of the init stage (`node dist/init.js`). It runs the one-file bundle of the init stage
 * (dist/init.bundle.js, made by `npm run build`) through a V8 code cache made at build time, or,
 * without a bundle, the tsc output. Only fs, path and vm are loaded here: this is the start-up
 * path of every create, run and exec.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';

const WRAP = '(function (exports, require, module, __filename, __dirname) {';

function runBundle(): boolean {
  const file = path.join(__dirname, 'init.bundle.js');
  let source: string;
  try {
    source = fs.readFileSync(file, 'latin1');
  } catch {
    return false;
  }
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(path.join(__dirname, `init.bundle.${process.version}.cache`));
  } catch { /* none for this node: compile from source */ }
  // The build writes the module wrapper into the file (scripts/bundle.mjs's BUNDLE_WRAP): compiled
  // as read, with no whole copy for a concatenation.
  const wrapped = source.startsWith(WRAP) ? source : `${WRAP}${source}\n})`;
  if (process.env.BERTH_INIT_WRITE_CACHE === '1') {
    // Build time. Every function is compiled now (V8 compiles lazily, on first call, and a cache
    // holds only what was compiled): the init runs most of its bundle, once, and cannot write a
    // cache itself (it ends in execve, inside the container's root). The flag is restored
    // before the cache is made: V8 refuses a cache made under other flags.
    const v8 = require('node:v8') as typeof import('node:v8');
    v8.setFlagsFromString('--no-lazy');
    const eager = new vm.Script(wrapped, { filename: file });
    v8.setFlagsFromString('--lazy');
    fs.writeFileSync(path.join(__dirname, `init.bundle.${process.version}.cache`), eager.createCachedData());
    return true;
  }
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  const mod = { exports: {} };
  (script.runInThisContext() as (...a: unknown[]) => void)(mod.exports, require, mod, file, __dirname);
  return true;
}

if (process.env.BERTH_TRACE === '1') {
  // Node's own start-up, before any of our code (BERTH_TRACE: see util/trace.ts).
  (require('./util/trace') as typeof import('./util/trace')).traceProcessStart('init');
}
if (!runBundle()) require('./runtime/init/main');
