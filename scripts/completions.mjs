#!/usr/bin/env node
// Writes each CLI's shell completion scripts, from the freshly built CLI itself (`<tool> completion
// <shell>`: one generator, packages/core/src/completion, for the command and the files), into
// completions/ (build output, not committed: generated text only repeats the commands) and into
// packages/<tool>/completions/; and copies the tool's
// man pages from man/ into packages/<tool>/man/, so `npm pack` ships both (package.json "files",
// "man"). Run by the build, after scripts/man.mjs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS = ['runc', 'ctr', 'crictl'];
/** Where each shell looks for them: bash-completion by command name, zsh's $fpath by _name. */
export const FILES = { bash: (t) => `${t}.bash`, zsh: (t) => `_${t}`, fish: (t) => `${t}.fish` };

function writeIfChanged(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return;
  fs.writeFileSync(file, text);
}

let failed = false;
for (const tool of TOOLS) {
  const pkg = path.join(repo, 'packages', tool);
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  for (const [shell, name] of Object.entries(FILES)) {
    const r = spawnSync(process.execPath, [path.join(pkg, 'bin', 'run.js'), 'completion', shell], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0 || !r.stdout) {
      process.stderr.write(`completions: ${tool} completion ${shell} failed (exit ${r.status}): ${r.stderr.split('\n')[0]}\n`);
      failed = true;
      continue;
    }
    writeIfChanged(path.join(repo, 'completions', name(tool)), r.stdout);
    writeIfChanged(path.join(pkg, 'completions', name(tool)), r.stdout);
  }
  // Man pages: the tool's own page and its per-group pages (<tool>-<group>.<n>), as man/ has them.
  const manDir = path.join(repo, 'man');
  const pages = fs.existsSync(manDir) ? fs.readdirSync(manDir).filter((f) => new RegExp(`^${tool}(-[\\w-]+)?\\.[1-8]$`).test(f)) : [];
  fs.rmSync(path.join(pkg, 'man'), { recursive: true, force: true });
  for (const page of pages) writeIfChanged(path.join(pkg, 'man', page), fs.readFileSync(path.join(manDir, page), 'utf8'));
}
if (failed) process.exitCode = 1;
