/**
 * Entry of the init stage (`node dist/init.js`). It runs the one-file bundle of the init stage
 * (dist/init.bundle.js, made by `npm run build`) through a V8 code cache made at build time, or,
 * without a bundle, the tsc output. Only fs, path and vm are loaded here: this is the start-up
 * path of every create, run and exec.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';

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
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  if (process.env.BERTH_INIT_WRITE_CACHE === '1') {
    // Build time: keep the compiled top level (functions compile lazily and are not in it).
    fs.writeFileSync(path.join(__dirname, `init.bundle.${process.version}.cache`), script.createCachedData());
    return true;
  }
  const mod = { exports: {} };
  (script.runInThisContext() as (...a: unknown[]) => void)(mod.exports, require, mod, file, __dirname);
  return true;
}

if (!runBundle()) require('./runtime/init/main');
