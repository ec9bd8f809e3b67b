// The version flags of the three CLIs (urfave/cli's --version and -v in the real tools): one line
// each in the real tool's shape, berth's version standing in for theirs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, runBin } from './lib/index.mjs';

const version = (tool) => JSON.parse(readFileSync(join(REPO_ROOT, 'packages', tool, 'package.json'), 'utf8')).version;

describe('--version and -v', () => {
  for (const flag of ['--version', '-v']) {
    it(`runc ${flag}`, async () => {
      const r = await runBin('runc', [flag]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^runc version ${version('runc').replace(/\./g, '\\.')}\nspec: 1\\.\\d+\\.\\d+\n`));
    });
    it(`ctr ${flag}`, async () => {
      const r = await runBin('ctr', [flag]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `ctr berth ${version('ctr')}\n`);
    });
    it(`crictl ${flag}`, async () => {
      const r = await runBin('crictl', [flag]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `crictl version v${version('crictl')}\n`);
    });
  }
});
