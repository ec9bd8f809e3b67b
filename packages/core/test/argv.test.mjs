// core/src/cli/argv.ts keepLastFlag (urfave/cli's last-wins for a repeated flag) and
// core/src/util/csv.ts (ctr's --mount is one CSV record, read as Go's encoding/csv).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const { keepLastFlag } = require('../dist/cli/argv.js');
const { csvRecord } = require('../dist/util/csv.js');

const FLAGS = {
  namespace: { type: 'option', char: 'n' },
  env: { type: 'option', multiple: true },
  quiet: { type: 'boolean', char: 'q' },
};

describe('keepLastFlag', () => {
  it('drops the earlier occurrences of a single-valued flag, in any spelling', () => {
    assert.deepEqual(keepLastFlag(['-n', 'a', '--namespace=b', '-q', '-nc', 'x'], FLAGS), ['-q', '-nc', 'x']);
    assert.deepEqual(keepLastFlag(['--namespace', 'a', '-n', 'b', 'x'], FLAGS), ['-n', 'b', 'x']);
  });
  it('keeps flags that may repeat, switches, and a line without repeats as it is', () => {
    const argv = ['--env', 'A=1', '--env', 'B=2', '-q', '-q', '-n', 'a'];
    assert.deepEqual(keepLastFlag(argv, FLAGS), argv);
    // The value of a flag that may repeat is not a positional: the walk goes on past it.
    assert.deepEqual(keepLastFlag(['--env', 'A=1', '-n', 'a', '-n', 'b', 'x'], FLAGS), ['--env', 'A=1', '-n', 'b', 'x']);
  });
  it('stops at the first positional and at --: a container\'s command line is not ours', () => {
    const argv = ['-n', 'a', 'image', 'id', 'sh', '-n', 'x', '-n', 'y'];
    assert.deepEqual(keepLastFlag(argv, FLAGS), argv);
    assert.deepEqual(keepLastFlag(['-n', 'a', '--', '-n', 'b'], FLAGS), ['-n', 'a', '--', '-n', 'b']);
  });
});

describe('csvRecord', () => {
  it('splits on commas; a quoted field holds commas and doubled quotes', () => {
    assert.deepEqual(csvRecord('type=bind,src=/a,dst=/b'), ['type=bind', 'src=/a', 'dst=/b']);
    assert.deepEqual(csvRecord('"src=/a,b",dst=/x'), ['src=/a,b', 'dst=/x']);
    assert.deepEqual(csvRecord('a,"say ""hi""",'), ['a', 'say "hi"', '']);
  });
  it('refuses a quote in an unquoted field and an unclosed one, as Go', () => {
    assert.throws(() => csvRecord('src=/a"b'), /bare " in non-quoted-field/);
    assert.throws(() => csvRecord('"src=/a,dst=/b'), /extraneous or missing " in quoted-field/);
    assert.throws(() => csvRecord('"a"b,c'), /extraneous or missing " in quoted-field/);
  });
});
