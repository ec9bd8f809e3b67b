// Issue 6's consistency rules across runc, ctr and crictl, checked on the real binaries:
// - every list command (found in the command registries: a summary that starts with "List", so a
//   new one is covered without touching this file) has -q and the tool's JSON flag (runc -f json,
//   ctr --format json — berth's own —, crictl -o json|yaml), and on an empty store they parse,
//   exit 0 and print ids only / valid JSON / valid YAML, while the default table is unchanged;
// - bad input (unknown object, bad flag value, missing argument, unknown flag) gives exactly one
//   stderr line that names the object, exit status non-zero; --debug / -D adds the stack;
// - overlayfs refused by the root's filesystem (a root on an overlay mount) says so and names
//   the fix (--snapshotter native).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, binPath, registerCleanup, runBin, tempDir, trackMount } from './lib/index.mjs';
import { makeLayout } from './ctr/registry-lib.mjs';

const require = createRequire(import.meta.url);
const YAML = require(join(REPO_ROOT, 'node_modules', 'yaml'));

const TOOLS = ['runc', 'ctr', 'crictl'];

/** Every command of a tool with its oclif id and static metadata, from its registry. */
function registry(tool) {
  const { COMMANDS } = require(join(REPO_ROOT, 'packages', tool, 'dist', 'commands.js'));
  return Object.entries(COMMANDS).map(([id, C]) => ({ id, C }));
}

const isList = ({ C }) => /^lists?\b/i.test(C.summary ?? C.description ?? '');

/** The tool's JSON flag: [flag as typed, the values it must accept]. */
function jsonFlag(tool, C) {
  const flags = C.flags ?? {};
  if (tool === 'runc') return flags.format?.char === 'f' && flags.format.options?.includes('json') ? { flag: '-f', values: ['json'] } : undefined;
  if (tool === 'ctr') return flags.format?.options?.includes('json') ? { flag: '--format', values: ['json'] } : undefined;
  // crictl's list commands validate -o themselves (json|yaml|table, as cri-tools).
  return flags.output?.char === 'o' ? { flag: '-o', values: ['json', 'yaml'] } : undefined;
}

describe('CLI consistency (issue 6)', () => {
  registerCleanup();
  const dirs = { root: tempDir('cc-root'), state: tempDir('cc-state'), runc: tempDir('cc-runc') };
  /** Global flags that point each tool at this test's own empty store. */
  const globals = {
    runc: ['--root', dirs.runc],
    ctr: ['--root', dirs.root, '--state', dirs.state],
    crictl: ['--berth-root', dirs.root, '--berth-state', dirs.state],
  };
  const run = (tool, args, extra = []) => runBin(tool, [...globals[tool], ...extra, ...args], { timeout: 60_000 });
  const argv = (tool, id) => (tool === 'ctr' ? id.split(':') : [id]);

  for (const tool of TOOLS) {
    const lists = registry(tool).filter(isList);

    it(`${tool}: the registry has list commands, each with -q and ${tool === 'runc' ? '-f' : tool === 'ctr' ? '--format' : '-o'} json`, () => {
      assert.ok(lists.length > 0, `no list command found in ${tool}'s registry`);
      for (const { id, C } of lists) {
        assert.equal(C.flags?.quiet?.char, 'q', `${tool} ${id}: no -q/--quiet`);
        assert.ok(jsonFlag(tool, C), `${tool} ${id}: no JSON output flag`);
        // ctr has no such flag upstream: its help says the flag is berth's own.
        if (tool === 'ctr') assert.match(C.flags.format.description, /^berth: .*ctr has no such flag/);
      }
    });

    for (const { id, C } of lists) {
      // A list of one object's parts (tasks ps CONTAINER) cannot list on an empty store: there the
      // flags must parse and the error must be about the object, not the flags.
      const required = Object.entries(C.args ?? {}).filter(([, a]) => a.required).map(() => 'cc-nope');
      const cmd = [...argv(tool, id), ...required];
      const { flag, values } = jsonFlag(tool, C) ?? { flag: '--format', values: ['json'] };

      it(`${tool} ${cmd.join(' ')}: -q and ${flag} ${values.join('/')} on an empty store`, async () => {
        if (required.length > 0) {
          for (const extra of [['-q'], [flag, 'json']]) {
            const r = await run(tool, [...argv(tool, id), ...extra, ...required]);
            assert.notEqual(r.code, 0);
            assert.match(r.stderr, /cc-nope/, `${tool} ${id} ${extra.join(' ')}: ${r.stderr}`);
            assert.doesNotMatch(r.stderr, /flag|Expected/i);
          }
          return;
        }
        const quiet = await run(tool, [...cmd, '-q']);
        assert.equal(quiet.code, 0, quiet.stderr);
        for (const line of quiet.stdout.split('\n').filter(Boolean)) assert.match(line, /^\S+$/, `${tool} ${id} -q printed more than ids: ${line}`);
        for (const v of values) {
          const r = await run(tool, [...cmd, flag, v]);
          assert.equal(r.code, 0, r.stderr);
          const doc = v === 'json' ? JSON.parse(r.stdout) : YAML.parse(r.stdout);
          assert.ok(doc === null || typeof doc === 'object', `${tool} ${id} ${flag} ${v}: ${r.stdout}`);
        }
        // The table is the default and stays what it was: asking for it by name changes nothing.
        if (tool !== 'crictl' || !/stats/.test(id)) {
          const table = await run(tool, cmd);
          const named = await run(tool, [...cmd, flag, 'table']);
          assert.equal(table.code, 0, table.stderr);
          assert.equal(named.stdout, table.stdout);
        }
      });
    }
  }

  // A result that cannot be written (stdout on /dev/full) is one line in the tool's words, as Go's
  // `write /dev/stdout: no space left on device`, exit 1: not Node's stack over the bundle's source.
  // Every list command that lists on an empty store (its table has a header), and `version`.
  it('stdout on /dev/full: one line naming the failed write, exit 1, for every list command', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const cmds = TOOLS.flatMap((tool) => registry(tool).filter(isList)
        .filter(({ C }) => !Object.values(C.args ?? {}).some((a) => a.required))
        .map(({ id }) => [tool, argv(tool, id)]));
      cmds.push(['ctr', ['version']], ['crictl', ['version']]);
      for (const [tool, args] of cmds) {
        const r = await runBin(tool, [...globals[tool], ...args], { timeout: 60_000, stdout: full });
        assert.equal(r.code, 1, `${tool} ${args.join(' ')}: ${r.stderr}`);
        const lines = r.stderr.split('\n').filter(Boolean);
        assert.equal(lines.length, 1, `${tool} ${args.join(' ')}:\n${r.stderr}`);
        assert.match(lines[0], /write \/dev\/stdout: no space left on device/, `${tool} ${args.join(' ')}`);
      }
      // A command that does work is not cut short by its output: the import completes (its image
      // is listed, nothing is left Active), then the failure is reported.
      const work = tempDir('cc-full-img');
      makeLayout(work, join(work, 'oci'), [{ 'bin/busybox': '/bin/busybox' }], { config: { Cmd: ['/bin/sh'] } });
      execFileSync('tar', ['-C', join(work, 'oci'), '-cf', join(work, 'img.tar'), '.']);
      const imp = await runBin('ctr', [...globals.ctr, '-n', 'cc-full', 'images', 'import', '--index-name', 'cc/full:1', join(work, 'img.tar')], { timeout: 120_000, stdout: full });
      assert.equal(imp.code, 1, imp.stderr);
      assert.equal(imp.stderr, 'ctr: write /dev/stdout: no space left on device\n');
      const names = (await run('ctr', ['-n', 'cc-full', 'images', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
      assert.ok(names.includes('cc/full:1'), names.join(' '));
      assert.doesNotMatch((await run('ctr', ['-n', 'cc-full', 'snapshots', 'ls'])).stdout, /Active/);
      assert.equal((await run('ctr', ['-n', 'cc-full', 'images', 'rm', ...names])).code, 0);
    } finally {
      closeSync(full);
    }
  });

  // [tool, args, what the line must name]. Each is run as is, then with --debug / -D.
  const BAD = [
    ['ctr', ['containers', 'info', 'cc-nope'], /"cc-nope"/],
    ['ctr', ['images', 'tag', 'cc-nope:1', 'cc-new:1'], /cc-nope:1/],
    ['ctr', ['namespaces', 'remove', 'cc-nons'], /cc-nons/],
    ['ctr', ['namespaces', 'create', 'cc/bad'], /cc\/bad/],
    ['ctr', ['snapshots', 'info', 'cc-nope'], /cc-nope/],
    ['ctr', ['snapshots', 'list', '--snapshotter', 'cc-nosuch'], /cc-nosuch/],
    ['ctr', ['tasks', 'kill', 'cc-nope'], /cc-nope/],
    ['ctr', ['tasks', 'kill', '-s', 'CCSIG', 'cc-nope'], /CCSIG/],
    ['ctr', ['leases', 'remove', 'cc-nope'], /cc-nope/],
    ['ctr', ['images', 'import', '/nonexistent/cc.tar'], /cc\.tar/],
    ['ctr', ['run', 'cc-nope:1', 'cc-c'], /cc-nope:1/],
    ['ctr', ['containers', 'list', '--format', 'cc-bogus'], /--format.*cc-bogus|cc-bogus.*format/],
    ['ctr', ['containers', 'list', '--cc-bogus'], /cc-bogus/],
    ['ctr', ['tasks', 'ps'], /argument container/],
    ['ctr', ['images', 'pull'], /missing required argument ref: see --help$/],
    ['ctr', ['-n', 'cc/bad-ns', 'images', 'list'], /namespace "cc\/bad-ns"/],
    ['ctr', ['--timeout', 'cc-xyz', 'containers', 'list'], /cc-xyz.*timeout|timeout.*cc-xyz/],
    ['crictl', ['inspect', 'cc-nope'], /cc-nope/],
    ['crictl', ['inspectp', 'cc-nope'], /cc-nope/],
    ['crictl', ['inspecti', 'cc-nope:1'], /cc-nope:1/],
    // cri-tools' rm logs each id's error, then one fatal line: two lines, as crictl's.
    ['crictl', ['rm', 'cc-nope'], /cc-nope/, 2],
    ['crictl', ['stopp', 'cc-nope'], /cc-nope/],
    ['crictl', ['logs', 'cc-nope'], /cc-nope/],
    ['crictl', ['runp', '/nonexistent/cc-pod.json'], /cc-pod\.json/],
    ['crictl', ['ps', '-o', 'cc-bogus'], /cc-bogus/],
    ['crictl', ['stats', '-s', 'cc-x'], /cc-x.*seconds/],
    ['crictl', ['ps', '--cc-bogus'], /cc-bogus/],
    ['crictl', ['inspect'], /argument id/],
    ['crictl', ['cc-bogus'], /No help topic for 'cc-bogus'/],
    ['runc', ['state', 'cc-nope'], /cc-nope/],
    ['runc', ['delete', 'cc-nope'], /cc-nope/],
    ['runc', ['kill', 'cc-nope', 'KILL'], /cc-nope/],
    ['runc', ['update', '--memory', 'cc-abc', 'cc-nope'], /memory.*cc-abc/],
    ['runc', ['create', '-b', '/nonexistent/cc-bundle', 'cc-x'], /cc-bundle/],
    ['runc', ['list', '-f', 'cc-bogus'], /cc-bogus/],
    ['runc', ['list', '--cc-bogus'], /cc-bogus/],
    ['runc', ['state'], /state.*argument/],
  ];

  for (const [tool, args, names, count = 1] of BAD) {
    it(`${tool} ${args.join(' ')}: one line naming the object; the stack with ${tool === 'crictl' ? '-D' : '--debug'}`, async () => {
      const r = await run(tool, args);
      assert.notEqual(r.code, 0, `exit status 0; stdout: ${r.stdout}`);
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, count, `not ${count} line(s):\n${r.stderr}`);
      assert.match(lines[0], names);
      const d = await run(tool, args, [tool === 'crictl' ? '-D' : '--debug']);
      assert.notEqual(d.code, 0);
      // The same line (crictl -D logs its debug lines before it), then the stack.
      assert.ok(d.stderr.split('\n').some((l) => names.test(l) && !/level=debug/.test(l)), d.stderr);
      assert.match(d.stderr, /\n\s+at \S/, `no stack with debug:\n${d.stderr}`);
    });
  }

  it('a store root that cannot be made, and one refused to a non-root user: the path, the cause, the fix', async () => {
    // A root below a regular file: Node's error reads as the core's (`mkdir PATH: not a directory`).
    const file = join(tempDir('cc-file'), 'f');
    writeFileSync(file, '');
    for (const [tool, flag] of [['ctr', '--root'], ['crictl', '--berth-root'], ['runc', '--root']]) {
      const r = await runBin(tool, [flag, join(file, 'root'), ...({ ctr: ['containers', 'list'], crictl: ['ps'], runc: ['list'] })[tool]]);
      assert.notEqual(r.code, 0);
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0].includes(`${file}`) && /((mkdir|scandir)|cannot create directory) \S+: not a directory/.test(lines[0]), lines[0]);
    }
    // berth needs root: a user who may not create the store is told so.
    const locked = join(tempDir('cc-locked'), 'root');
    const r = await runBin('/usr/sbin/runuser', ['-u', 'nobody', '--', binPath('ctr'), '--root', locked, 'containers', 'list']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, `ctr: root ${locked}: cannot create directory ${locked}: permission denied: run as root\n`);
  });

  it('overlayfs refused by the root\'s filesystem: one line, with the fix', async () => {
    // An overlay mount cannot be an overlay's upper filesystem: a root on one is the real case.
    const base = tempDir('cc-ovl');
    for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(base, d));
    const merged = join(base, 'merged');
    trackMount(merged);
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${join(base, 'lower')},upperdir=${join(base, 'upper')},workdir=${join(base, 'work')}`, merged]);
    const work = tempDir('cc-img');
    makeLayout(work, join(work, 'oci'), [{ 'bin/busybox': '/bin/busybox' }, { 'bin/sh': '/bin/busybox' }], { config: { Cmd: ['/bin/sh'] } });
    execFileSync('tar', ['-C', join(work, 'oci'), '-cf', join(work, 'img.tar'), '.']);
    const ctr = (...a) => runBin('ctr', ['--root', join(merged, 'root'), '--state', tempDir('cc-ovl-state'), ...a], { timeout: 120_000 });
    const imp = await ctr('images', 'import', '--index-name', 'cc/busybox:1', join(work, 'img.tar'));
    assert.equal(imp.code, 0, imp.stderr);
    const target = tempDir('cc-ovl-mnt');
    trackMount(target);
    // A read-write mount of a two-layer image needs an overlay with an upperdir.
    const r = await ctr('images', 'mount', '--rw', 'cc/busybox:1', target);
    assert.notEqual(r.code, 0);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^ctr: overlayfs not available: upperdir \S+ is on overlay.*use --snapshotter native/);
    execFileSync('umount', [merged]);
  });
});
