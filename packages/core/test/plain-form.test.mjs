// core/src/cli/plain-form.ts: the fast paths' flag loop takes the plain forms and refuses (undefined,
// for oclif) everything else; envDefaults fills unset flags from the environment.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const { envDefaults, parsePlainForm } = require('../dist/cli/plain-form.js');

const SPEC = {
  switches: { '-q': 'quiet', '--quiet': 'quiet' },
  valued: { '--root': { name: 'root' }, '-f': { name: 'format', options: ['table', 'json'] }, '--fds': { name: 'fds', options: /^\d+$/ } },
};

describe('parsePlainForm', () => {
  it('takes switches, `--flag value`, `--flag=value` and positionals in any order', () => {
    assert.deepEqual(parsePlainForm(['list', 'a', '--root', '/r', '-q', '--fds=3', 'b', '-'], 1, { ...SPEC, loneDash: 'argument' }), {
      flags: { root: '/r', quiet: true, fds: '3' }, positionals: ['a', 'b', '-'], end: 8,
    });
  });

  it('refuses the unknown, a repeat under either spelling, a switch with a value and a bad value', () => {
    for (const args of [
      ['x', '--help'], ['x', '--'], ['x', '-q', '--quiet'], ['x', '--root', 'a', '--root=b'], ['x', '--quiet=1'],
      ['x', '-f', 'yaml'], ['x', '--fds', 'x'], ['x', '--root'], ['x', '--root='], ['x', '--root', '-q'], ['x', '-'],
    ]) assert.equal(parsePlainForm(args, 1, SPEC), undefined, args.join(' '));
  });

  it('stops at the first positional when asked (the rest is a command line)', () => {
    assert.deepEqual(parsePlainForm(['run', '-q', 'img', 'id', '--root', 'x'], 1, { ...SPEC, stopAtPositional: true }), {
      flags: { quiet: true }, positionals: [], end: 2,
    });
  });

  it('goLike: `-n=x`, a dashed value, repeats kept last, ignored spellings', () => {
    const spec = { valued: { '-n': { name: 'ns' } }, switches: { '-q': 'quiet' }, ignore: new Set(['--debug']), repeats: 'last', goLike: true };
    assert.deepEqual(parsePlainForm(['-n=a', '--debug', '-n', '-b', '-q', '-q'], 0, spec), {
      flags: { ns: '-b', quiet: true }, positionals: [], end: 6,
    });
  });
});

describe('envDefaults', () => {
  it('fills unset flags, keeps given ones, and refuses an empty variable', () => {
    process.env.BERTH_TEST_PF_A = 'from-env';
    process.env.BERTH_TEST_PF_B = 'ignored';
    try {
      const flags = { b: 'given' };
      assert.equal(envDefaults(flags, { a: 'BERTH_TEST_PF_A', b: 'BERTH_TEST_PF_B', c: 'BERTH_TEST_PF_UNSET' }), true);
      assert.deepEqual(flags, { a: 'from-env', b: 'given' });
      process.env.BERTH_TEST_PF_A = '';
      assert.equal(envDefaults({}, { a: 'BERTH_TEST_PF_A' }), false);
    } finally {
      delete process.env.BERTH_TEST_PF_A;
      delete process.env.BERTH_TEST_PF_B;
    }
  });
});
