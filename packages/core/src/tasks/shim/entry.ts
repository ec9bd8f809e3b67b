/**
 * Entry of the shim (`node dist/tasks/shim/entry.js`): runs the one-file bundle
 * (dist/shim.bundle.js, made by scripts/bundle-shim.mjs) through a V8 code cache made at build
 * time, or, without a bundle, the tsc output. Fewer module files mean less memory per shim.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';

function runBundle(): boolean {
  const dist = path.join(__dirname, '..', '..');
  const file = path.join(dist, 'shim.bundle.js');
  let source: string;
  try {
    source = fs.readFileSync(file, 'latin1');
  } catch {
    return false;
  }
  const cacheFile = path.join(dist, `shim.bundle.${process.version}.cache`);
  let cachedData: Buffer | undefined;
  try { cachedData = fs.readFileSync(cacheFile); } catch { /* none for this node */ }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  if (process.env.BERTH_SHIM_WRITE_CACHE === '1') {
    fs.writeFileSync(cacheFile, script.createCachedData());
    return true;
  }
  const mod = { exports: {} };
  (script.runInThisContext() as (...a: unknown[]) => void)(mod.exports, require, mod, file, dist);
  return true;
}

if (!runBundle()) require('./main');
