// ctr namespaces over the metadata store: create, ls (table, -q), label, rm, errors; global flags before the command.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registerCleanup, runBin, tempDir } from '../lib/index.mjs';

describe('ctr namespaces', () => {
  registerCleanup();
  const root = tempDir('ctr-root');
  const ctr = (...args) => runBin('ctr', ['--root', root, ...args]);

  it('create with labels, list as a table and quietly, relabel, remove', async () => {
    assert.equal((await ctr('namespaces', 'create', 'alpha', 'team=a', 'tier=1')).code, 0);
    assert.equal((await ctr('ns', 'create', 'beta')).code, 0);
    const ls = await ctr('ns', 'ls');
    assert.equal(ls.code, 0, ls.stderr);
    assert.equal(ls.stdout, `NAME  ${'LABELS'.padEnd(14)}\nalpha team=a,tier=1 \nbeta  ${''.padEnd(14)}\n`);
    assert.equal((await ctr('namespaces', 'list', '-q')).stdout, 'alpha\nbeta\n');
    assert.equal((await ctr('ns', 'label', 'alpha', 'tier=', 'zone=x')).code, 0);
    assert.match((await ctr('ns', 'ls')).stdout, /^alpha team=a,zone=x $/m);
    const rm = await ctr('ns', 'rm', 'alpha', 'beta');
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(rm.stdout, 'alpha\nbeta\n');
    assert.equal((await ctr('ns', 'ls', '-q')).stdout, '');
  });

  it('global flags before the command, and the namespace flag with its env', async () => {
    const r = await runBin('ctr', ['--root', root, '-n', 'x', 'ns', 'create', 'gamma']);
    assert.equal(r.code, 0, r.stderr);
    assert.match((await runBin('ctr', ['--root', root, 'ns', 'ls', '-q'])).stdout, /^gamma$/m);
  });

  it('errors name the namespace and exit 1', async () => {
    const dup = await ctr('ns', 'create', 'gamma');
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /^ctr: namespace "gamma".*already exists/m);
    const bad = await ctr('ns', 'create', 'Bad Name');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^ctr: namespace "Bad Name": must be/);
    const missing = await ctr('ns', 'rm', 'nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^ctr: namespace "nope": not found$/m);
  });
});
