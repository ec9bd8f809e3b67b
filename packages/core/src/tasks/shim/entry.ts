/**
 * Entry of the shim (`node dist/tasks/shim/entry.js`): runs the one-file bundle
 * (dist/shim.bundle.js, made by scripts/bundle-shim.mjs) through a V8 code cache made at build
 * time, or, without a bundle, the tsc output. Fewer module files mean less memory per shim.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';

const WRAP = '(function (exports, require, module, __filename, __dirname) {';

function readIfExists(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

function writable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false; // a read-only install: no cache of our own, nothing serialised for nothing
  }
}

function runBundle(): boolean {
  const dist = path.join(__dirname, '..', '..');
  const file = path.join(dist, 'shim.bundle.js');
  let source: string;
  try {
    source = fs.readFileSync(file, 'latin1');
  } catch {
    return false;
  }
  // The build's cache holds the bundle's top level only (the build cannot create a container);
  // the first shim to run writes one with the functions its create and start compiled
  // (.<mtime>-<size>.run.cache, through the hook below), which every later shim loads instead.
  const buildCache = path.join(dist, `shim.bundle.${process.version}.cache`);
  // Named after this bundle file too (V8 checks a cache's source by its length only): a shim of
  // the previous build that writes after a rebuild cannot hand its bytecode to the new bundle's.
  const st = fs.statSync(file);
  const runCache = path.join(dist, `shim.bundle.${process.version}.${Math.trunc(st.mtimeMs)}-${st.size}.run.cache`);
  let cachedData = readIfExists(runCache);
  const trained = cachedData !== undefined;
  cachedData ??= readIfExists(buildCache);
  // The build writes the module wrapper into the file (scripts/bundle.mjs's BUNDLE_WRAP): compiled
  // as read, with no whole copy for a concatenation.
  const wrapped = source.startsWith(WRAP) ? source : `${WRAP}${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  if (process.env.BERTH_SHIM_WRITE_CACHE === '1') {
    fs.writeFileSync(buildCache, script.createCachedData());
    return true;
  }
  if ((!trained || script.cachedDataRejected) && writable(dist)) {
    (globalThis as Record<symbol, unknown>)[Symbol.for('berth.shim.writeCache')] = (): void => {
      if (fs.existsSync(runCache) && !script.cachedDataRejected) return; // another shim wrote it meanwhile
      const tmp = `${runCache}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, runCache);
      } catch {
        try { fs.unlinkSync(tmp); } catch { /* not written */ }
      }
    };
  }
  const mod = { exports: {} };
  (script.runInThisContext() as (...a: unknown[]) => void)(mod.exports, require, mod, file, dist);
  return true;
}

if (!runBundle()) require('./main');
