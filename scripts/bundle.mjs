// One CommonJS bundle per CLI (oclif, the commands and the core modules they reach), so start-up
// reads one file instead of ~200; see docs/startup.md. Input is tsc's output (dist/cli.js), so the
// bundle runs exactly the code the fallback path runs.
//
// Measurement knobs (docs/startup.md): BERTH_BUNDLE_EAGER=1, BERTH_BUNDLE_NO_EDITS=1,
// BERTH_BUNDLE_NO_SNAPSHOT=1 (no snapshot: `help` then needs import(), unavailable in vm code),
// BERTH_BUNDLE_PLAIN=1 (readable output), BERTH_BUNDLE_IDENTS=1 (minified identifiers).
//
// Per package it writes dist/cli.bundle.js (first line: a content hash the code cache is keyed
// on), dist/launch.js (the loader the bin/run.js launchers prefer, from scripts/launch.cjs) and,
// by one training run, dist/cli.bundle.cache (V8 code cache).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { builtinModules, createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOLS = ['runc', 'ctr', 'crictl'];

/**
 * Core modules that locate files by __dirname (layout.js: the init stage script) stay outside the
 * bundle, and so do modules that do not resolve (yet): both are required at run time by package
 * name, which works from the repo and from an npm install.
 */
function coreOutside(coreDist, unresolved) {
  const outside = new Set();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js') && /\b__(dirname|filename)\b/.test(fs.readFileSync(p, 'utf8'))) outside.add(p);
    }
  };
  if (fs.existsSync(coreDist)) walk(coreDist);
  const byName = (file) => `@berth/core/dist/${path.relative(coreDist, file).split(path.sep).join('/').replace(/\.js$/, '')}`;
  return {
    name: 'berth-core-outside',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'inner' || args.kind === 'entry-point') return undefined;
        const fromCore = args.importer.startsWith(coreDist + path.sep);
        if (!args.path.startsWith('@berth/core') && !(fromCore && args.path.startsWith('.'))) return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
        if (r.errors.length > 0) {
          const name = args.path.startsWith('.') ? byName(path.resolve(args.resolveDir, args.path)) : args.path;
          unresolved.add(name);
          return { path: name, external: true };
        }
        return outside.has(r.path) ? { path: byName(r.path), external: true } : undefined;
      });
    },
  };
}

/**
 * Small edits to oclif's compiled files, for start-up only; a pattern that no longer matches
 * (another oclif version) leaves the file as it is and is reported.
 */
const OCLIF_EDITS = [
  // Engine check against oclif's own engines (node >=18): a semver load per start. berth needs 20.
  { file: 'lib/index.js', from: /^checkNodeVersion\(\);$/m, to: '/* berth: engine check skipped at start-up */' },
  // `debug` (and tty, supports-color) loads only when a logger is made; cli.ts passes its own silent one unless DEBUG is set.
  { file: 'lib/logger.js', from: 'const debug_1 = __importDefault(require("debug"));', to: 'const debug_1 = { get default() { return __importDefault(require("debug")).default; } };' },
  // readJson (the theme file at every start) reads small JSON files; node:fs/promises costs ~1 ms to load.
  { file: 'lib/util/fs.js', from: "const contents = await (0, promises_1.readFile)(path, 'utf8');", to: "const contents = (0, node_fs_1.readFileSync)(path, 'utf8');" },
  // runCommand hands the command its Config, and Command.run loads it again (for a command built
  // on another oclif copy); the bundle has one copy, so its own Config is used as is.
  { file: 'lib/command.js', from: 'const config = await config_1.Config.load(opts || require.main?.filename || __dirname);', to: 'const config = opts instanceof config_1.Config ? opts : await config_1.Config.load(opts || require.main?.filename || __dirname);' },
];

/**
 * oclif asks wsl-utils only isWsl (and, on Windows, powerShellPath), but wsl-utils loads
 * child_process and fs/promises (~4 ms): the bundle gives oclif is-wsl directly.
 */
function slimWslUtils() {
  return {
    name: 'berth-wsl-utils',
    setup(b) {
      b.onResolve({ filter: /^wsl-utils$/ }, async (args) => {
        if (args.pluginData === 'inner') return undefined;
        const real = await b.resolve('wsl-utils', { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'inner' });
        if (real.errors.length > 0) return undefined;
        return { path: real.path, namespace: 'berth-wsl-utils' };
      });
      b.onLoad({ filter: /.*/, namespace: 'berth-wsl-utils' }, (args) => ({
        resolveDir: path.dirname(args.path),
        contents: `export { default as isWsl } from 'is-wsl';\nexport const powerShellPath = async (...a) => (await import(${JSON.stringify(args.path)})).powerShellPath(...a);\n`,
        loader: 'js',
      }));
    },
  };
}

/**
 * Module-level requires in TypeScript-emitted CommonJS (oclif's lib, berth's dist) become lazy:
 * the module loads on first use of its binding, not when the requiring module loads. Start-up
 * then runs only the modules a command uses (oclif's index loads nearly all of oclif). Bare
 * side-effect requires (`require("./x");`) and re-exports stay eager. BERTH_BUNDLE_EAGER=1: off.
 */
export const LAZY_REQUIRE = /^(const|var|let) (\w+) = ((?:__importDefault\(|__importStar\()?require\((?:"[^"]+"|'[^']+')\)\)?);$/gm;
// Node's own modules that its start-up has loaded already: required at once (a cache lookup).
const BOOT_LOADED = new Set(['fs', 'path']);

/**
 * LAZY_REQUIRE's rewrite of one file's text. A Node module imported as a namespace (`import * as
 * fs`) is used as the module itself, not through tsc's __importStar: that copies every export
 * into a new object of getters, ~100 for fs (~46 KB and ~1.5 ms at its first use, once per
 * importing module: 17 of them in runc's fast bundle, 72 in crictl's), and each call then went
 * through the copy's getter. The module object answers the same property reads.
 */
export function lazyRequires(text) {
  return text.replace(LAZY_REQUIRE, (_line, kind, name, expr) => {
    const builtin = /^(?:__importStar\()?require\("((?:node:)?([a-z0-9_/]+))"\)\)?$/.exec(expr);
    const isNode = builtin !== null && (builtin[1].startsWith('node:') || builtinModules.includes(builtin[2]));
    if (!isNode) return `${kind} ${name} = __berthLazy(() => ${expr});`;
    if (BOOT_LOADED.has(builtin[2])) return `${kind} ${name} = require("${builtin[1]}");`;
    return `${kind} ${name} = __berthLazy(() => require("${builtin[1]}"));`;
  });
}
export const LAZY_RUNTIME = `
function __berthLazy(load) {
  let m, done = false;
  const get = () => { if (!done) { m = load(); done = true; } return m; };
  return new Proxy(() => {}, {
    get: (_, k) => get()[k],
    set: (_, k, v) => { get()[k] = v; return true; },
    has: (_, k) => k in get(),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(get(), k); return d && { ...d, configurable: true }; },
    apply: (_, self, args) => Reflect.apply(get(), self, args),
  });
}`;

/**
 * `require('koffi')` in a bundle loads koffi's native module directly when it can
 * (scripts/koffi-direct.cjs: ~4-5 ms less per start), else koffi's entry, which stays external.
 */
export function koffiDirect(root) {
  const version = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'koffi', 'package.json'), 'utf8')).version;
  const source = fs.readFileSync(path.join(root, 'scripts', 'koffi-direct.cjs'), 'utf8')
    .replace('BERTH_KOFFI_VERSION', JSON.stringify(version));
  return {
    name: 'berth-koffi-direct',
    setup(b) {
      b.onResolve({ filter: /^koffi$/ }, (args) => (args.namespace === 'berth-koffi'
        ? { path: 'koffi', external: true }
        : { path: 'koffi-direct', namespace: 'berth-koffi' }));
      b.onLoad({ filter: /.*/, namespace: 'berth-koffi' }, () => ({ contents: source, loader: 'js' }));
    },
  };
}

function transforms(oclifDir, dists, missed) {
  const under = (file, dir) => file.startsWith(dir + path.sep);
  return {
    name: 'berth-transforms',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, async (args) => {
        const inOclif = under(args.path, oclifDir);
        if (!inOclif && !dists.some((d) => under(args.path, d))) return undefined;
        let text = await fs.promises.readFile(args.path, 'utf8');
        if (inOclif && process.env.BERTH_BUNDLE_NO_EDITS !== '1') {
          for (const edit of OCLIF_EDITS.filter((e) => args.path === path.join(oclifDir, e.file))) {
            const out = text.replace(edit.from, edit.to);
            if (out === text) missed.add(edit.file);
            text = out;
          }
        }
        if (process.env.BERTH_BUNDLE_EAGER !== '1') text = lazyRequires(text);
        return { contents: text, loader: 'js' };
      });
    },
  };
}

/**
 * What each CLI starts before it loads anything else (src/prespawn.ts, dist/prespawn.bundle.js,
 * with a code cache its first run writes, launch.js), and the words of the command lines that try it
 * (launch.js's PRESPAWN_WORDS): runc its init stage, ctr and crictl a task's shim.
 */
// crictl's `start` takes the shim parked for the task at `create` (core/src/tasks/parked.ts).
const PRESPAWN = { runc: ['run', 'create'], ctr: ['run', 'start'], crictl: ['run'] };

async function bundlePrespawn(root, tool, oclifDir) {
  const dist = path.join(root, 'packages', tool, 'dist');
  fs.rmSync(path.join(dist, 'prespawn.bundle.cache'), { force: true });
  const result = await smallBundle(root, tool, oclifDir, 'prespawn', { charset: 'ascii', write: false });
  writeBundle(path.join(dist, 'prespawn.bundle.js'), result.outputFiles[0].text);
}

/**
 * The shell script that starts a CLI's process before its Node (packages/<tool>/bin), with the
 * `case` branch that names the words: they must be PRESPAWN's, or a word in one list only would
 * start a process the CLI never looks for (it would still end with the CLI).
 */
const EARLY_SCRIPT = { runc: 'early-init.sh', ctr: 'early-shim.sh' };

function checkEarlyWords(root, tool) {
  if (!EARLY_SCRIPT[tool]) return;
  const file = path.join(root, 'packages', tool, 'bin', EARLY_SCRIPT[tool]);
  const script = fs.readFileSync(file, 'utf8');
  const branch = /^\s*([\w| -]+)\) early_word=1 ;;$/m.exec(script);
  const words = branch ? branch[1].split('|').map((w) => w.trim()) : [];
  if (words.join(' ') !== (PRESPAWN[tool] ?? []).join(' ')) {
    throw new Error(`${path.relative(root, file)}: starts for ${words.join(', ') || 'no word found'}, launch.js for ${PRESPAWN[tool].join(', ')} (scripts/bundle.mjs PRESPAWN)`);
  }
  if (tool === 'ctr') return checkServedRunFlags(root, file, script);
  if (tool !== 'runc') return;
  // The flags that stop it, as prespawn.ts's (each with its `=value` spelling in the script).
  const stop = /^\s*([^\n)]+)\) early_word= ; break ;;$/m.exec(script);
  const flags = new Set(stop ? stop[1].split('|').map((w) => w.trim().replace(/=\*$/, '')) : []);
  const { PRESPAWN_BLOCKERS } = createRequire(import.meta.url)(path.join(root, 'packages', 'core', 'dist', 'runtime', 'prespawn-blockers.js'));
  const same = flags.size === PRESPAWN_BLOCKERS.length && PRESPAWN_BLOCKERS.every((f) => flags.has(f));
  if (!same) throw new Error(`${path.relative(root, file)}: stops for ${[...flags].join(', ') || 'no flag found'}, the CLI for ${PRESPAWN_BLOCKERS.join(', ')} (core runtime/prespawn-blockers.ts)`);
}

/**
 * ctr's launcher serves a `run -d` by its shim only in the plain form run-fast.ts serves: its
 * lists of run's flags (before the image) must be that form's, -t and --tty aside (never served).
 */
function checkServedRunFlags(root, file, script) {
  const { RUN_SWITCHES, RUN_VALUED } = createRequire(import.meta.url)(path.join(root, 'packages', 'ctr', 'dist', 'run-fast.js'));
  const list = (re) => { const m = re.exec(script); return m ? m[1].split('|').map((w) => w.trim()).sort() : []; };
  const switches = [...list(/^\s*([^\n)]+)\) early_detach=1 ;;$/m), ...list(/^\s*([^\n)]+)\) ;;$/m), '-t', '--tty'].sort();
  const valued = list(/^\s*([^\n)]+)\) early_value=1 ;;$/m);
  const valuedEq = list(/^\s*([^\n)]+)\) ;;\n\s*\*\) early_run= ; break ;;$/m);
  const same = (a, b) => a.join(' ') === [...b].sort().join(' ');
  if (!same(switches, Object.keys(RUN_SWITCHES)) || !same(valued, Object.keys(RUN_VALUED)) || !same(valuedEq, Object.keys(RUN_VALUED))) {
    throw new Error(`${path.relative(root, file)}: its run flags (${switches.join(' ')}; ${valued.join(' ')}; ${valuedEq.join(' ')}) are not run-fast.ts's`);
  }
}

/** dist/launch.js: scripts/launch.cjs with the CLI's prespawn words. */
function writeLauncher(root, tool, dist) {
  checkEarlyWords(root, tool);
  const marker = '/* berth-prespawn-words */[]';
  const text = fs.readFileSync(path.join(root, 'scripts', 'launch.cjs'), 'utf8');
  if (!text.includes(marker)) throw new Error('scripts/launch.cjs: the prespawn words marker is gone');
  fs.writeFileSync(path.join(dist, 'launch.js'), text.replace(marker, JSON.stringify(PRESPAWN[tool] ?? [])));
  // bin/<tool> runs launch.js itself only beside this file: a launch.js from an older build does
  // not run itself (bin/run.js required it), and would do nothing.
  fs.writeFileSync(path.join(dist, 'launch.direct'), 'dist/launch.js runs itself (scripts/launch.cjs, its last lines)\n');
}

/**
 * A start-up bundle of a CLI beside its main one (dist/<name>.bundle.js from dist/<name>.js): the
 * core inlined, koffi loaded directly, lazy module-level requires. `write: false` returns the
 * output instead of writing it.
 */
async function smallBundle(root, tool, oclifDir, name, extra) {
  const dist = path.join(root, 'packages', tool, 'dist');
  const unresolved = new Set();
  const result = await build({
    entryPoints: [path.join(dist, `${name}.js`)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: path.join(dist, `${name}.bundle.js`),
    plugins: [koffiDirect(root), coreOutside(path.join(root, 'packages', 'core', 'dist'), unresolved), transforms(oclifDir, [dist, path.join(root, 'packages', 'core', 'dist')], new Set())],
    banner: { js: LAZY_RUNTIME },
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    ...extra,
  });
  if (unresolved.size > 0) process.stderr.write(`bundle: ${tool} ${name}: left to run-time require (not found now): ${[...unresolved].join(', ')}\n`);
  return result;
}

/**
 * The function a bundle's code is the body of (CommonJS's module wrapper), written into the file
 * itself: launch.js, the shim's entry and init.js compile the file's text as it was read. Wrapped
 * at load time, the text was a concatenation that V8 copied whole before compiling: a second copy
 * of the bundle in the heap (the crictl fast bundle's ~1 MB: ~10 ms of page faults on a slow VM).
 * The three loaders hold the same two strings (a file of the old form is wrapped as before). The
 * reverse does not hold: a loader of an older checkout rebuilt by tsc alone wraps the file again
 * and runs nothing (the init stage or shim exits at once); `npm run build` makes both anew.
 */
export const BUNDLE_WRAP = ['(function (exports, require, module, __filename, __dirname) {', '\n})'];

/**
 * Writes a bundle as launch.js reads it: all ASCII (esbuild leaves non-ASCII inside regular
 * expression literals; escaped, launch.js reads the file as latin1 into a one-byte string: half
 * the memory, faster), headed by its content hash (the code cache's key) and wrapped
 * (BUNDLE_WRAP), its code from the second line on. Returns the code.
 */
function writeBundle(out, text) {
  const code = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const body = `${BUNDLE_WRAP[0]}\n${code}${BUNDLE_WRAP[1]}`;
  // Over the wrapper too: a cache of the old form (same length: V8's only check) cannot match.
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 32);
  fs.writeFileSync(out, `/* berth-bundle ${hash} */ ${body}`);
  return code;
}

/** A run of the installed entry that writes the code cache of the bundle it loads. */
function train(pkg, argv, env = {}) {
  const r = spawnSync(process.execPath, [path.join(pkg, 'bin', 'run.js'), ...argv], {
    env: { ...process.env, ...env, BERTH_CODE_CACHE: 'write' }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8',
  });
  if (r.status !== 0) process.stderr.write(`bundle: training run of ${path.basename(pkg)} ${argv.join(' ')} failed (no code cache): ${r.stderr}\n`);
}

/**
 * The CLIs' fast paths: bundle name → its entry (src/<name>.ts, exporting fast(argv)), the words
 * that send a command line to it, the code cache each word uses (its own unless `cache` names one
 * for all: ctr's three spellings of `tasks ls`), and the command line that trains that cache
 * (none: its first successful served run writes it). One small bundle per path, so that
 * `tasks ls` does not read `run`'s.
 */
const FAST = {
  runc: {
    fast: { words: ['state', 'list', 'kill', 'delete', 'start'], train: (tmp) => ['--root', tmp, 'list'] },
    'fast-create': { words: ['create', 'run'] },
  },
  // The topic's words: `ls`/`list` would send every `ctr <topic> ls` through the fast bundle first.
  ctr: {
    fast: { words: ['tasks', 't', 'task'], cache: 'ls', train: (tmp) => ['--state', tmp, 'tasks', 'ls'] },
    'fast-run': { words: ['run'] },
  },
  crictl: {
    fast: { words: ['runp', 'create', 'start', 'stopp', 'rmp'] },
    'fast-list': { words: ['ps', 'pods'] },
  },
};

/**
 * What a training run lists, so that its code cache holds the per-container code too (a cache
 * trained on an empty list lacked it, and is never rewritten: every later `list` of 100 compiled
 * it again): one running container (runc's record) and, for ctr, its task (the shim's record).
 * The running process is this build's own (alive while the training runs).
 */
function trainingFixture(tool, tmp) {
  const startTime = Number(fs.readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ')[19]);
  const record = {
    version: 1, id: 'train', bundle: tmp, rootfs: tmp, created: new Date().toISOString(), ownerUid: process.getuid(),
    initPid: process.pid, initStartTime: startTime, creatorPid: process.pid, head: { ociVersion: '1.2.0' }, cgroup: null, namespaces: {}, ownPidNamespace: false,
  };
  const runtimeRoot = tool === 'runc' ? tmp : path.join(tmp, 'runc', 'default');
  fs.mkdirSync(path.join(runtimeRoot, 'train'), { recursive: true });
  fs.writeFileSync(path.join(runtimeRoot, 'train', 'config.json'), JSON.stringify({ ociVersion: '1.2.0' }));
  fs.writeFileSync(path.join(runtimeRoot, 'train', 'state.json'), JSON.stringify(record));
  if (tool !== 'ctr') return;
  const task = path.join(tmp, 'io.containerd.runtime.v2.task', 'default', 'train');
  fs.mkdirSync(task, { recursive: true });
  fs.writeFileSync(path.join(task, 'shim.json'), JSON.stringify({ pid: process.pid, startTime }));
}

/**
 * dist/<name>.bundle.js for each fast path (src/fast.ts and the like: the hot commands' plain forms
 * without oclif), which launch.js tries before it reads the CLI bundle; dist/fast.words.json maps
 * each word to its bundle and code cache.
 */
async function bundleFast(root, tool, oclifDir) {
  const dist = path.join(root, 'packages', tool, 'dist');
  for (const f of fs.readdirSync(dist)) if (/^fast(-\w+)?\.bundle(\.\w+)?\.cache$/.test(f)) fs.rmSync(path.join(dist, f), { force: true });
  const words = {};
  for (const [name, spec] of Object.entries(FAST[tool])) {
    // better-sqlite3's JavaScript inside, as in the CLI bundles (its addon is loaded by path).
    const result = await smallBundle(root, tool, oclifDir, name, { write: false, external: ['koffi', 'bindings'] });
    if (result.outputFiles.some((f) => f.text.includes('@oclif/core'))) throw new Error(`${tool}: the ${name} bundle reaches @oclif/core`);
    const code = writeBundle(path.join(dist, `${name}.bundle.js`), result.outputFiles[0].text);
    for (const w of spec.words) words[w] = [name, spec.cache ?? w];
    process.stdout.write(`bundle: packages/${tool}/dist/${name}.bundle.js ${(code.length / 1024).toFixed(0)} KiB\n`);
  }
  fs.writeFileSync(path.join(dist, 'fast.words.json'), JSON.stringify(words));
  for (const spec of Object.values(FAST[tool]).filter((s) => s.train)) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-train-'));
    try {
      trainingFixture(tool, tmp);
      train(path.join(root, 'packages', tool), spec.train(tmp));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
}

function snapshot(pkg) {
  const r = spawnSync(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), 'oclif-snapshot.mjs'), pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`oclif snapshot of ${pkg} failed: ${r.stderr}`);
  // cli.ts maps each plugin to its bundled commands; it knows these two.
  const other = JSON.parse(r.stdout).filter((p) => !p.isRoot && p.name !== '@oclif/plugin-help');
  if (other.length > 0) throw new Error(`${pkg}: oclif plugin(s) ${other.map((p) => p.name).join(', ')} unknown to cli.ts's pluginCommands()`);
  return r.stdout;
}

async function bundleOne(root, tool) {
  const pkg = path.join(root, 'packages', tool);
  const dist = path.join(pkg, 'dist');
  const out = path.join(dist, 'cli.bundle.js');
  const unresolved = new Set();
  const missed = new Set();
  const oclifDir = fs.realpathSync(path.join(root, 'node_modules', '@oclif', 'core'));
  const result = await build({
    entryPoints: [path.join(dist, 'cli.js')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    outfile: out,
    // koffi is native (koffiDirect loads its addon); better-sqlite3's JavaScript is bundled and its
    // addon loaded by path (core/src/metadata/sqlite.ts), so its `bindings` lookup is never run;
    // typescript is only for oclif's ts-node lookup, which cli.ts turns off.
    external: ['koffi', 'bindings', 'typescript'],
    plugins: [koffiDirect(root), coreOutside(path.join(root, 'packages', 'core', 'dist'), unresolved), transforms(oclifDir, TOOLS.concat('core').map((t) => path.join(root, 'packages', t, 'dist')), missed), slimWslUtils()],
    banner: { js: LAZY_RUNTIME },
    define: process.env.BERTH_BUNDLE_NO_SNAPSHOT === '1' ? {} : { BERTH_OCLIF_SNAPSHOT: JSON.stringify(snapshot(pkg)) },
    // BERTH_BUNDLE_PLAIN=1 keeps it readable (for --cpu-prof); names survive either way (keepNames).
    minifyWhitespace: process.env.BERTH_BUNDLE_PLAIN !== '1',
    minifySyntax: true,
    // Off: --debug stacks keep their class and function names (on saves ~0.5 ms; BERTH_BUNDLE_IDENTS=1).
    minifyIdentifiers: process.env.BERTH_BUNDLE_IDENTS === '1',
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  if (missed.size > 0) process.stderr.write(`bundle: ${tool}: oclif edits not applied (pattern not found): ${[...missed].join(', ')}\n`);
  if (unresolved.size > 0) process.stderr.write(`bundle: ${tool}: left to run-time require (not found now): ${[...unresolved].join(', ')}\n`);
  // esbuild leaves non-ASCII inside regular expression literals; escaped, the whole file is
  // ASCII, which launch.js reads as latin1 into a one-byte string (half the memory, faster).
  const code = writeBundle(out, result.outputFiles[0].text);
  writeLauncher(root, tool, dist);
  for (const f of fs.readdirSync(dist)) if (/^cli\.bundle(\.\w+)?\.cache$/.test(f)) fs.rmSync(path.join(dist, f), { force: true });
  // Training run: a hot command that touches oclif's parse/run path, so the cache covers it.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-train-'));
  try {
    const argv = tool === 'runc' ? ['--root', tmp, 'list'] : ['version'];
    train(pkg, argv, { BERTH_FAST: 'off' });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (PRESPAWN[tool]) await bundlePrespawn(root, tool, oclifDir);
  if (FAST[tool]) await bundleFast(root, tool, oclifDir);
  return { tool, bytes: code.length };
}

export async function bundleAll(root) {
  for (const tool of TOOLS) {
    const { bytes } = await bundleOne(root, tool);
    const cache = path.join(root, 'packages', tool, 'dist', 'cli.bundle.cache');
    const cbytes = fs.existsSync(cache) ? fs.statSync(cache).size : 0;
    process.stdout.write(`bundle: packages/${tool}/dist/cli.bundle.js ${(bytes / 1024).toFixed(0)} KiB, code cache ${(cbytes / 1024).toFixed(0)} KiB\n`);
  }
}
