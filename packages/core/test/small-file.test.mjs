// core/src/sys/small-file.ts: records and /proc files (UTF-8 through readFileSync's native path,
// other encodings in one read into a shared buffer, the rest of a larger file decoded with its head
// as one text).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const { readSmallFile } = require('../dist/sys/small-file.js');

describe('readSmallFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-small-file-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a small file, and undefined for a missing one', () => {
    writeFileSync(join(dir, 'a'), '{"x":1}');
    assert.equal(readSmallFile(join(dir, 'a')), '{"x":1}');
    assert.equal(readSmallFile(join(dir, 'missing')), undefined);
    assert.match(readSmallFile('/proc/self/stat', 'latin1'), /^\d+ \(/);
  });

  it('reads a file larger than its buffer whole, a character across the boundary intact', () => {
    for (const size of [16 * 1024 - 1, 16 * 1024, 64 * 1024 + 3]) {
      const text = `${'a'.repeat(size)}é€${'b'.repeat(100)}`;
      writeFileSync(join(dir, 'big'), text);
      assert.equal(readSmallFile(join(dir, 'big')), text, `size ${size}`);
      assert.equal(readSmallFile(join(dir, 'big'), 'latin1'), Buffer.from(text).toString('latin1'), `size ${size}, latin1`);
    }
  });

  it('throws what is not a missing file', () => {
    assert.throws(() => readSmallFile(dir), /EISDIR/);
  });
});
