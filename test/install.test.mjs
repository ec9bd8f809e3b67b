// The packages as a user installs them: `npm pack` of core, runc, ctr and crictl, then
// `npm install -g --prefix <tmp>` of the four tarballs (the npm registry for third-party
// dependencies; better-sqlite3 is built from source, since its prebuilt binaries come from GitHub).
// Takes about 1.5 minutes here, most of it npm fetching and node-gyp compiling SQLite.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { REPO_ROOT, registerCleanup, runBin, tempDir, uniqueId } from './lib/index.mjs';
import { DEMO_IMAGE, writeBusyboxArchive } from '../scripts/demo-image.mjs';

const PACKAGES = ['core', 'runc', 'ctr', 'crictl'];

/** Runs a command to its end; npm keeps the environment as it is (its registry may need the CA variables). */
function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    let err = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeout ?? 600_000);
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout: out, stderr: err }); });
  });
}

describe('npm pack + npm install -g of the four packages', { timeout: 900_000 }, () => {
  registerCleanup();
  const dir = tempDir('install');
  const prefix = join(dir, 'prefix');
  const tgz = {};
  const lib = join(prefix, 'lib', 'node_modules', '@berth');
  const bin = (tool) => join(prefix, 'bin', tool);

  before(async () => {
    for (const p of PACKAGES) {
      const r = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: join(REPO_ROOT, 'packages', p) });
      assert.equal(r.code, 0, r.stderr);
      tgz[p] = join(dir, JSON.parse(r.stdout)[0].filename);
    }
    // npm 11 runs no install script unless allowed: koffi's (picks its linux-x64 binary) and
    // better-sqlite3's (node-gyp) are needed.
    const r = await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--allow-scripts=better-sqlite3,koffi',
      ...PACKAGES.map((p) => tgz[p])], {
      cwd: dir,
      // better-sqlite3 is compiled for the Node running the test (the machine's or the LTS):
      // the headers of that Node, not npm's configured nodedir (/usr on Debian).
      env: { ...process.env, npm_config_nodedir: dirname(dirname(process.execPath)) },
    });
    assert.equal(r.code, 0, `npm install: ${r.stderr}`);
  });

  it('packs each CLI with its launcher, completions and man pages, and @berth/core as a dependency', async () => {
    for (const tool of ['runc', 'ctr', 'crictl']) {
      const r = await run('tar', ['-tzf', tgz[tool]]);
      const files = r.stdout.split('\n');
      for (const f of [`bin/${tool}`, 'bin/run.js', 'dist/cli.js', `completions/${tool}.bash`, `completions/_${tool}`]) assert.ok(files.includes(`package/${f}`), `${tool}: ${f}`);
      assert.ok(files.some((f) => /^package\/man\/[\w-]+\.[18]$/.test(f)), `${tool}: no man page`);
      const pj = JSON.parse((await run('tar', ['-xzOf', tgz[tool], 'package/package.json'])).stdout);
      assert.equal(pj.dependencies['@berth/core'], '0.1.0');
    }
  });

  it('resolves @berth/core of every CLI to the installed core tarball', async () => {
    for (const tool of ['runc', 'ctr', 'crictl']) {
      const r = await run(process.execPath, ['-p', 'require.resolve("@berth/core/package.json")'], { cwd: join(lib, tool) });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(realpathSync(r.stdout.trim()), realpathSync(join(lib, 'core', 'package.json')));
    }
  });

  it('runs: versions, runc spec, ctr namespaces ls, and the native modules load (ctr doctor)', async () => {
    const v = await runBin(bin('runc'), ['--version']);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /^runc version 0\.1\.0\n/);
    const cv = await runBin(bin('ctr'), ['version']);
    assert.equal(cv.code, 0, cv.stderr);
    assert.match(cv.stdout, /Version: +0\.1\.0 \(berth\)/);
    const kv = await runBin(bin('crictl'), ['version']);
    assert.equal(kv.code, 0, kv.stderr);
    assert.match(kv.stdout, /^Version: +0\.1\.0$/m);
    const spec = tempDir('install-spec');
    const s = await runBin(bin('runc'), ['spec'], { cwd: spec });
    assert.equal(s.code, 0, s.stderr);
    const here = tempDir('repo-spec');
    assert.equal((await runBin('runc', ['spec'], { cwd: here })).code, 0);
    assert.deepEqual(JSON.parse(readFileSync(join(spec, 'config.json'), 'utf8')), JSON.parse(readFileSync(join(here, 'config.json'), 'utf8')));
    const root = tempDir('install-root');
    const ns = await runBin(bin('ctr'), ['namespaces', 'ls', '--root', root]);
    assert.equal(ns.code, 0, ns.stderr);
    assert.match(ns.stdout, /^NAME +LABELS/);
    const d = await runBin(bin('ctr'), ['--root', root, 'doctor', '-o', 'json']);
    const checks = Object.fromEntries(JSON.parse(d.stdout).checks.map((c) => [c.name, c]));
    assert.equal(checks.koffi.status, 'ok', checks.koffi.detail);
    assert.equal(checks['better-sqlite3'].status, 'ok', checks['better-sqlite3'].detail);
    assert.ok(existsSync(join(lib, 'core', 'node_modules', '@koromix', 'koffi-linux-x64')), 'koffi\'s linux-x64 binary package');
  });

  it('runs from the start-up bundles (not the tsc output), fast paths included, and runs a container', async () => {
    const root = tempDir('install-bundles');
    const traced = async (tool, args) => {
      const r = await runBin(bin(tool), args, { env: { BERTH_TRACE: '1' } });
      assert.equal(r.code, 0, r.stderr);
      return r.stderr;
    };
    assert.match(await traced('runc', ['--root', root, 'list']), /fast: list/);
    for (const [tool, args] of [['runc', ['--root', root, 'list', '--debug']], ['ctr', ['--root', root, 'version']], ['crictl', ['--berth-root', root, 'version']]]) {
      const err = await traced(tool, args);
      assert.match(err, /launch: cli bundle/, `${tool}: ${err}`);
      assert.doesNotMatch(err, /launch: tsc output/);
    }
    // koffi and better-sqlite3 live under the installed core; the CLIs' bundles, the shim and the
    // init stage find them there.
    const archive = join(tempDir('install-image'), 'busybox.tar');
    writeBusyboxArchive(archive);
    const state = tempDir('install-state');
    const ctr = (args) => runBin(bin('ctr'), ['--root', root, '--state', state, ...args], { timeout: 60_000 });
    assert.equal((await ctr(['images', 'import', archive])).code, 0);
    const r = await ctr(['run', '--rm', DEMO_IMAGE, uniqueId(), 'sh', '-c', 'echo from the installed ctr; exit 3']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'from the installed ctr\n');
    // A plain run -d is served by the task's shim, which finds ctr's bundle beside the installed core.
    const id = uniqueId();
    const d = await runBin(bin('ctr'), ['--root', root, '--state', state, 'run', '-d', '--null-io', DEMO_IMAGE, id, 'sleep', '1000'], { timeout: 60_000, env: { BERTH_TRACE: '1' } });
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stderr, /serve: run/);
    assert.match((await ctr(['t', 'ls'])).stdout, new RegExp(`^${id}\\s+\\d+\\s+RUNNING$`, 'm'));
    assert.equal((await ctr(['t', 'rm', '-f', id])).code, 0);
    assert.equal((await ctr(['c', 'rm', id])).code, 0);
  });

  it('installs the man pages through the "man" field, and ships the completion scripts', async () => {
    for (const [tool, page] of [['runc', 'man8/runc.8'], ['ctr', 'man8/ctr.8'], ['crictl', 'man1/crictl.1']]) {
      const installed = join(prefix, 'share', 'man', page);
      assert.ok(existsSync(installed), installed);
      const name = page.split('/')[1];
      const packed = (await run('tar', ['-xzOf', tgz[tool], `package/man/${name}`])).stdout;
      assert.ok(readFileSync(installed, 'utf8') === packed, `${installed} differs from the tarball's man/${name}`);
      assert.match(packed, new RegExp(`^\\.TH ${tool.toUpperCase()} ${name.slice(-1)} `));
    }
    for (const tool of ['runc', 'ctr', 'crictl']) {
      const script = readFileSync(join(lib, tool, 'completions', `${tool}.bash`), 'utf8');
      assert.match(script, new RegExp(`^complete -o filenames -F _berth_${tool} ${tool}$`, 'm'));
      assert.ok(existsSync(join(lib, tool, 'completions', `_${tool}`)));
    }
  });
});
