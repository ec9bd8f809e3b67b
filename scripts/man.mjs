#!/usr/bin/env node
// Generates man/<tool>.<section> from each CLI's oclif command metadata (dist/commands.js), so the
// pages never drift from the commands. Run by the build; the pages are committed too.
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const TOOLS = [
  { tool: 'runc', section: 8, what: 'berth\'s OCI runtime, a clone of runc' },
  { tool: 'ctr', section: 8, what: 'berth\'s containerd client, a clone of ctr without a daemon' },
  { tool: 'crictl', section: 1, what: 'berth\'s Kubernetes CRI client, a clone of crictl without a daemon' },
];

const esc = (s) => String(s ?? '').replace(/\\/g, '\\\\').replace(/^\./gm, '\\&.').replace(/-/g, '\\-');

function flagLine(name, f) {
  const short = f.char ? `\\-${f.char}, ` : '';
  const value = f.type === 'option' ? ` \\fI${f.options ? f.options.join('|') : 'value'}\\fR` : '';
  const def = f.default !== undefined && f.type === 'option' ? ` (default: ${esc(f.default)})` : '';
  return `.TP\n.B ${short}\\-\\-${esc(name)}${value}\n${esc(f.description ?? '')}${def}\n`;
}

for (const { tool, section, what } of TOOLS) {
  const dist = path.join(repo, 'packages', tool, 'dist', 'commands.js');
  if (!fs.existsSync(dist)) continue;
  const { COMMANDS } = require(dist);
  const version = JSON.parse(fs.readFileSync(path.join(repo, 'packages', tool, 'package.json'), 'utf8')).version;
  let out = `.TH ${tool.toUpperCase()} ${section} "" "berth ${version}" "berth"\n`;
  out += `.SH NAME\n${tool} \\- ${esc(what)}\n`;
  out += `.SH SYNOPSIS\n.B ${tool}\n[\\fIglobal options\\fR] \\fIcommand\\fR [\\fIcommand options\\fR] [\\fIarguments\\fR...]\n`;
  out += `.SH DESCRIPTION\nSee README.md of berth for the architecture. Every command answers \\fB\\-\\-help\\fR.\n`;
  const ids = Object.keys(COMMANDS).sort();
  const first = COMMANDS[ids[0]];
  const globals = Object.entries(first?.baseFlags ?? {});
  if (globals.length) {
    out += '.SH GLOBAL OPTIONS\n';
    for (const [n, f] of globals) if (!f.hidden) out += flagLine(n, f);
  }
  out += '.SH COMMANDS\n';
  for (const id of ids) {
    const c = COMMANDS[id];
    const args = Object.entries(c.args ?? {}).map(([n, a]) => (a.required ? `<${n}>` : `[${n}]`)).join(' ');
    out += `.SS "${tool} ${id.replace(/:/g, ' ')}${args ? ` ${esc(args)}` : ''}"\n${esc(c.summary ?? '')}\n`;
    if (c.description) out += `.PP\n${esc(c.description)}\n`;
    if (c.aliases?.length) out += `.PP\nAliases: ${esc(c.aliases.join(', '))}\n`;
    for (const [n, f] of Object.entries(c.flags ?? {})) if (!f.hidden) out += flagLine(n, f);
  }
  out += '.SH SEE ALSO\n';
  out += TOOLS.filter((t) => t.tool !== tool).map((t) => `.BR ${t.tool} (${t.section})`).join(',\n') + '\n';
  fs.mkdirSync(path.join(repo, 'man'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'man', `${tool}.${section}`), out);
}
