// What ctr draws on a terminal (run under util-linux script(1), a real pty): `doctor`'s boxed
// cli-table3 table and `images import`'s ora spinner, which leaves ctr's own lines behind.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { binPath, registerCleanup, runBin, tempDir } from '../lib/index.mjs';
import { writeBusyboxArchive } from '../../scripts/demo-image.mjs';

// An interactive terminal: CI set in the environment would make the spinner stand down.
const interactiveEnv = () => { const env = { ...process.env, COLUMNS: '100', TERM: 'xterm' }; delete env.CI; return env; };
const inPty = (cmd) => spawnSync('script', ['-qfec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 120_000, env: interactiveEnv() });
const quote = (s) => `'${s.replace(/'/g, "'\\''")}'`;

describe('ctr on a terminal', () => {
  registerCleanup();
  const root = tempDir('tty-root');
  const state = tempDir('tty-state');
  const ctr = `${quote(binPath('ctr'))} --root ${quote(root)} --state ${quote(state)}`;

  it('doctor draws a boxed table with every check and a coloured status', async () => {
    const r = inPty(`${ctr} doctor`);
    const plain = r.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    const json = JSON.parse((await runBin('ctr', ['--root', root, '--state', state, 'doctor', '-o', 'json'])).stdout);
    assert.match(plain, /┌─+┬/);
    assert.match(plain, /│ CHECK +│ STATUS │ DETAIL/);
    for (const c of json.checks) assert.ok(plain.includes(`│ ${c.name} `), `${c.name} missing`);
    assert.doesNotMatch(plain, /…/, 'long details wrap, they are not cut');
    assert.match(r.stdout, /\x1b\[32mok\x1b\[0m/);
  });

  it('images import shows a spinner and leaves ctr\'s unpacking line; the image is recorded', async () => {
    const archive = join(tempDir('tty-img'), 'bb.tar');
    const digest = await writeBusyboxArchive(archive);
    const r = inPty(`${ctr} images import ${quote(archive)}`);
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /\x1b\[\?25l/, 'the spinner hides the cursor');
    assert.match(r.stdout, /importing /);
    assert.ok(r.stdout.includes(`unpacking docker.io/library/busybox:latest (${digest})...done\r\n`), r.stdout);
    const ls = await runBin('ctr', ['--root', root, '--state', state, 'images', 'ls', '-q']);
    assert.equal(ls.stdout, 'docker.io/library/busybox:latest\n');
    // Through a pipe: no escape sequences at all.
    const piped = await runBin('ctr', ['--root', root, '--state', state, 'images', 'import', archive]);
    assert.equal(piped.code, 0, piped.stderr);
    assert.doesNotMatch(piped.stdout, /\x1b/);
  });
});
