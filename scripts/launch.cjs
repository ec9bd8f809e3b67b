'use strict';
// Loader of a CLI's start-up bundle; scripts/bundle.mjs copies it to packages/<tool>/dist/launch.js.
// Node 20 has no module.enableCompileCache, so the bundle is compiled through vm.Script with a V8
// code cache kept next to it (dist/cli.bundle.cache). The cache is keyed on the bundle's content
// hash (its first line), the Node version and the arch; V8 also refuses a cache made under other
// flags. Anything missing or refused falls back silently: plain compile, or the tsc output.
// In a checkout (tsconfig.json beside dist), a bundle older than the last tsc build of its
// package or of core (their .tsbuildinfo: `tsc -b` without `npm run build`) is stale: the tsc
// output runs instead. Installed packages have no tsconfig.json, and unpacking sets mtimes anew.
// BERTH_CODE_CACHE=off skips the cache; =write rewrites it at exit (the build's training run).
// `run`, `create` and `exec` keep caches of their own (cacheClass below).
// The shell launchers put a "--" before arguments that hold an --env-file (bin/<tool>: Node 20
// would take it as its own); the same test finds it, and it goes.
if (process.argv[2] === '--' && ` ${process.argv.slice(3).join(' ')} `.includes(' --env-file')) process.argv.splice(2, 1);

const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
// The CommonJS loader's class, without loading the public node:module wrapper.
const Module = module.constructor;

// A bundle's module wrapper (scripts/bundle.mjs's BUNDLE_WRAP), which the build writes into the
// file: its text is compiled as read, not copied whole into a concatenation first.
const HEAD = '(function (exports, require, module, __filename, __dirname) {';
const TAIL = '\n})';

/**
 * Writes the cache at exit, when the run has compiled the functions it needed: a successful one
 * (a failure compiled its error path, not the command's). Never throws.
 */
function writeAtExit(script, file, key, worthWriting) {
  process.once('exit', (code) => {
    if (code !== 0 || !worthWriting()) return;
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, Buffer.concat([key, script.createCachedData()]));
      fs.renameSync(tmp, file);
    } catch {
      try { fs.unlinkSync(tmp); } catch { /* nothing written */ }
    }
  });
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

let tscBuilt;
/**
 * True when `file`, made by `npm run build`, exists and is not older than the last tsc build of
 * its package or of core (a checkout only: installs have no tsconfig.json).
 */
function fresh(dist, file) {
  const built = mtime(file);
  if (built < 0) return false;
  tscBuilt ??= mtime(path.join(dist, '..', 'tsconfig.json')) < 0 ? -1
    : Math.max(mtime(path.join(dist, '.tsbuildinfo')), mtime(path.join(dist, '..', '..', 'core', 'dist', '.tsbuildinfo')));
  return built >= tscBuilt;
}

/** Returns the CLI module (exports main): the bundle when present and current, else dist/cli.js. */
exports.load = function load(dist) {
  // Node's own start-up, before this file (a trace's zero).
  trace('launch: process start', 'origin');
  early(dist);
  // The fast paths first: their commands never stat or read the CLI bundle.
  if (fastPath(dist)) return { main() {} };
  const file = path.join(dist, 'cli.bundle.js');
  if (!fresh(dist, file)) {
    trace('launch: tsc output');
    return require(path.join(dist, 'cli.js'));
  }
  trace('launch: cli bundle');
  return loadBundle(file, path.join(dist, `cli.bundle${cacheClass(process.argv.slice(2))}.cache`));
};

/** BERTH_TRACE=1: which code runs (core/src/util/trace.ts has the format; this file loads nothing). */
function trace(what, when = 'now') {
  if (process.env.BERTH_TRACE !== '1') return;
  // `performance` only when tracing: the global is a getter that loads perf_hooks, ~1 ms.
  const at = when === 'origin' ? performance.timeOrigin : performance.timeOrigin + performance.now();
  const line = `berth-trace ${at.toFixed(1)} ${process.pid} ${what}\n`;
  try {
    if (process.env.BERTH_TRACE_FILE) fs.appendFileSync(process.env.BERTH_TRACE_FILE, line);
    else fs.writeSync(2, line);
  } catch { /* tracing never fails a command */ }
}

/**
 * A CLI's hot commands in their plain forms are served by dist/fast.bundle.js (src/fast.ts) or
 * another small bundle without oclif (ctr's run: fast-run.bundle.js), before the CLI bundle is
 * even read; it returns false for anything else. BERTH_FAST=off skips it (tests compare both).
 */
function fastPath(dist) {
  if (process.env.BERTH_FAST === 'off') return false;
  // The words of the commands served, each with its bundle (written by the build): other
  // command lines never read one.
  let words;
  try {
    words = JSON.parse(fs.readFileSync(path.join(dist, 'fast.words.json'), 'utf8'));
  } catch {
    return false;
  }
  const word = process.argv.slice(2).find((a) => Object.hasOwn(words, a));
  if (word === undefined) return false;
  const [name, cache] = words[word];
  const file = path.join(dist, `${name}.bundle.js`);
  if (!fresh(dist, file)) return false;
  let result = false;
  try {
    // A cache per command, written by its first run that the fast path served (not by one that
    // fell through: it compiled the parser only): each command compiles code of its own (delete:
    // cgroups, start: the exec FIFO and hooks), which a cache trained by `list` does not hold.
    const { fast } = loadBundle(file, path.join(dist, `${name}.bundle.${cache}.cache`), () => result !== false);
    result = fast(process.argv.slice(2));
  } catch {
    return false; // (only the parse can throw: nothing was done) the CLI bundle serves it
  }
  // 'done': served and finished (its output written synchronously). Exiting now skips the event
  // loop's first turn, where V8's idle-time tasks (a young-generation GC) ran: ~0.5 ms.
  if (result === 'done') process.exit();
  return result === true;
}

/**
 * Compiles a bundle with its V8 code cache and runs it as a module; returns its exports. A missing
 * or stale cache is written at exit, if `worthWriting()` says so then.
 */
function loadBundle(file, cacheFile, worthWriting = () => true) {
  const dist = path.dirname(file);
  const source = fs.readFileSync(file, 'latin1'); // all ASCII (scripts/bundle.mjs)
  const mode = process.env.BERTH_CODE_CACHE;
  const hash = /^\/\* berth-bundle ([0-9a-f]+) \*\//.exec(source);
  if (!hash) return require(file);

  const key = Buffer.from(`berth-v8-cache ${hash[1]} ${process.version} ${process.arch}\n`);
  let cachedData;
  if (mode !== 'write' && mode !== 'off') {
    try {
      const buf = fs.readFileSync(cacheFile);
      if (buf.subarray(0, key.length).equals(key)) cachedData = buf.subarray(key.length);
    } catch { /* no cache yet */ }
  }
  // No import() in here (Node 20 has it for vm code only behind a flag or a warning): the
  // bundle holds every module it loads, ESM ones converted (scripts/bundle.mjs).
  const text = source.startsWith(HEAD, hash[0].length + 1) ? source : HEAD + source + TAIL; // an old build's form
  const script = new vm.Script(text, { filename: file, cachedData });
  const accepted = cachedData !== undefined && !script.cachedDataRejected;
  // Write when missing or stale; not when V8 refused it only for other flags (--cpu-prof & co).
  // --v8-pool-size (a served run's shim has it) sizes Node's platform, no V8 flag: caches hold.
  const plainNode = process.execArgv.every((a) => a.startsWith('--v8-pool-size=')) && !process.env.NODE_OPTIONS;
  if (mode === 'write' || (!accepted && mode !== 'off' && plainNode && isWritable(dist))) writeAtExit(script, cacheFile, key, worthWriting);

  // Registered like a required module, so require(file) (oclif's explicit discovery) finds it.
  const mod = new Module(file, module);
  mod.filename = file;
  const req = Module.createRequire(file);
  mod.paths = req.resolve.paths('x') || [];
  require.cache[file] = mod;
  try {
    script.runInThisContext().call(mod.exports, mod.exports, req, mod, file, dist);
  } catch (err) {
    delete require.cache[file];
    throw err;
  }
  mod.loaded = true;
  return mod.exports;
}

/**
 * The words of the command lines that start a container or a task (scripts/bundle.mjs writes each
 * CLI's into its copy of this file): runc's `run` and `create` start their init stage, ctr's `run`
 * and `tasks start` and crictl's `start` and `run` the task's shim, before anything else is
 * loaded, from a small bundle of their own (dist/prespawn.bundle.js; src/prespawn.ts), so that
 * the new process's Node start-up overlaps with the loading of this CLI's bundles and its work.
 * The bundle checks the command line itself; any failure leaves it to the CLI, which tries again.
 */
const PRESPAWN_WORDS = /* berth-prespawn-words */[];

function early(dist) {
  const argv = process.argv.slice(2);
  if (!PRESPAWN_WORDS.some((w) => argv.includes(w))) return;
  const file = path.join(dist, 'prespawn.bundle.js');
  if (!fresh(dist, file)) return;
  try {
    // Through a code cache of its own, written by its first run: compiled from source it took
    // ~7 ms to the spawn, ~3.7 with the cache (the functions on the way to it are in there).
    loadBundle(file, path.join(dist, 'prespawn.bundle.cache')).prespawnEarly(argv);
  } catch { /* the CLI's own prespawn runs */ }
}

/**
 * V8's cache holds the functions compiled when it was written: the build's training run
 * (`list`, `version`) covers the hot read-only commands. The container commands run far more
 * code (create, cgroups, the init's protocol), so each has a cache of its own, written by its
 * first run: `run` of a container takes ~8 ms less with it.
 */
const OWN_CACHE = new Set(['run', 'create', 'exec']);

function cacheClass(argv) {
  const cmd = argv.find((a) => OWN_CACHE.has(a));
  return cmd ? `.${cmd}` : '';
}

function isWritable(dir) {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

// bin/<tool> runs this file itself when the build made it (one module less to resolve and compile
// than the package's bin/run.js, which npm's bin links use).
// ctr's served `run -d` (core's tasks/shim/serve-run.ts) loads the fast-run bundle through it.
exports.loadBundle = loadBundle;
exports.fresh = fresh;

if (require.main === module) exports.load(__dirname).main(process.argv.slice(2), path.join(__dirname, '..'));
