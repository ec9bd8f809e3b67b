// Shell completion generated from the commands' oclif metadata: `<tool> completion <shell>`
// equals the build's completions/ files (no drift), and the bash script, sourced in a real bash,
// answers what the commands accept. zsh and fish are run when installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, registerCleanup, runBin, tempDir } from './lib/index.mjs';

const FILES = { bash: (t) => `${t}.bash`, zsh: (t) => `_${t}`, fish: (t) => `${t}.fish` };
const have = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

describe('shell completion', () => {
  registerCleanup();
  const dir = tempDir('completion');
  const scripts = {};

  for (const tool of ['runc', 'ctr', 'crictl']) {
    for (const shell of Object.keys(FILES)) {
      it(`${tool} completion ${shell} is the build's completions/${FILES[shell](tool)}`, async () => {
        const r = await runBin(tool, ['completion', shell]);
        assert.equal(r.code, 0, r.stderr);
        scripts[`${tool}.${shell}`] = r.stdout;
        assert.equal(r.stdout, readFileSync(join(REPO_ROOT, 'completions', FILES[shell](tool)), 'utf8'));
        assert.equal(r.stdout, readFileSync(join(REPO_ROOT, 'packages', tool, 'completions', FILES[shell](tool)), 'utf8'));
      });
    }
  }

  /** Completes `line` (words; the last one is being typed) with the tool's bash script in a real bash. */
  function complete(tool, words) {
    const file = join(dir, `${tool}.bash`);
    writeFileSync(file, scripts[`${tool}.bash`]);
    const prog = `source ${JSON.stringify(file)}
complete -p ${tool} >/dev/null || exit 3
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
fn=$(complete -p ${tool} | sed -E 's/.* -F ([^ ]+) .*/\\1/')
$fn; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['--norc', '-c', prog], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean).sort();
  }

  it('bash: command words, aliases and topics', () => {
    const i = complete('ctr', ['ctr', 'i']);
    for (const w of ['i', 'image', 'images']) assert.ok(i.includes(w), `ctr i<TAB>: ${i}`);
    assert.ok(i.every((w) => w.startsWith('i')));
    assert.deepEqual(complete('ctr', ['ctr', 'images', 'p']), ['prune', 'pull', 'push']);
    assert.deepEqual(complete('ctr', ['ctr', 'i', 'p']), ['prune', 'pull', 'push']);
    assert.deepEqual(complete('crictl', ['crictl', 'po']), ['pods', 'port-forward']);
    assert.ok(complete('ctr', ['ctr', 'ns', 'l']).includes('ls'));
    // global flags and their values are skipped on the way to the command
    assert.deepEqual(complete('ctr', ['ctr', '-n', 'k8s.io', 'images', 'p']), ['prune', 'pull', 'push']);
    assert.deepEqual(complete('runc', ['runc', '--root', '/x', 'sta']), ['start', 'state']);
  });

  it('bash: flags of the top level and of a command, globals included', () => {
    assert.deepEqual(complete('runc', ['runc', '--ro']), ['--root', '--rootless']);
    assert.deepEqual(complete('ctr', ['ctr', 'images', 'pull', '--pl']), ['--plain-http', '--platform']);
    assert.deepEqual(complete('ctr', ['ctr', 'images', 'pull', '--namesp']), ['--namespace']);
    assert.ok(complete('crictl', ['crictl', 'pods', '--']).includes('--output'));
    assert.deepEqual(complete('ctr', ['ctr', 'images', '--']), ['--help']);
  });

  it('bash: fixed values of flags and arguments', () => {
    assert.deepEqual(complete('runc', ['runc', '--log-format', '']), ['json', 'text']);
    assert.deepEqual(complete('runc', ['runc', '--log-format', '=', 'j']), ['json']);
    assert.deepEqual(complete('ctr', ['ctr', 'doctor', '-o', '']), ['json', 'table']);
    assert.deepEqual(complete('crictl', ['crictl', 'completion', '']), ['bash', 'fish', 'zsh']);
  });

  it('zsh: the script parses (zsh -n; without zsh, bash -n checks its quoting and structure)', (t) => {
    for (const tool of ['runc', 'ctr', 'crictl']) {
      const file = join(dir, `_${tool}`);
      writeFileSync(file, scripts[`${tool}.zsh`]);
      assert.match(scripts[`${tool}.zsh`], new RegExp(`^#compdef ${tool}\\n`));
      const shell = have('zsh') ? 'zsh' : 'bash';
      if (shell === 'bash') t.diagnostic('zsh is not installed: bash -n only');
      const r = spawnSync(shell, ['-n', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${shell} -n ${file}: ${r.stderr}`);
    }
  });

  it('fish: the script parses', { skip: have('fish') ? false : 'fish is not installed' }, () => {
    for (const tool of ['runc', 'ctr', 'crictl']) {
      const file = join(dir, `${tool}.fish`);
      writeFileSync(file, scripts[`${tool}.fish`]);
      const r = spawnSync('fish', ['--no-execute', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
  });

  it('crictl completion: bash by default, an unknown shell refused in one fatal line', async () => {
    const d = await runBin('crictl', ['completion']);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout, scripts['crictl.bash']);
    const bad = await runBin('crictl', ['completion', 'tcsh']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^time="[^"]+" level=fatal msg="Expected tcsh to be one of: bash, zsh, fish"\n$/);
  });

  it('runc and ctr mark the command as berth\'s own in their help', async () => {
    for (const tool of ['runc', 'ctr']) {
      const r = await runBin(tool, ['completion', '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /berth's own command/);
    }
  });
});
