#!/usr/bin/env node
// Generates the man pages from each CLI's oclif command metadata (dist/commands.js), so the pages
// never drift from the commands. Run by the build; the pages are committed too.
//
//   man/<tool>.<n>          the tool: global options, every command with its summary, SEE ALSO
//   man/<tool>-<group>.<n>  one page per command group with each command's flags and aliases:
//                           ctr's topics (ctr-images.8 …), crictl's areas (crictl-pods.1 …), and
//                           runc's commands one by one, as runc ships runc-create.8 and so on.
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** crictl's commands are flat; its pages follow cri-tools' areas. */
const CRICTL_GROUPS = {
  pods: ['runp', 'pods', 'inspectp', 'stopp', 'rmp', 'statsp'],
  containers: ['create', 'start', 'run', 'ps', 'inspect', 'stop', 'rm', 'logs', 'exec', 'attach', 'update', 'stats'],
  images: ['pull', 'images', 'inspecti', 'rmi', 'imagefsinfo'],
  runtime: ['info', 'version', 'config', 'completion'],
};

const TOOLS = [
  { tool: 'runc', section: 8, what: 'berth\'s OCI runtime, a clone of runc', groupOf: (id) => id },
  { tool: 'ctr', section: 8, what: 'berth\'s containerd client, a clone of ctr without a daemon', groupOf: (id) => id.split(':')[0] },
  {
    tool: 'crictl', section: 1, what: 'berth\'s Kubernetes CRI client, a clone of crictl without a daemon',
    groupOf: (id) => Object.keys(CRICTL_GROUPS).find((g) => CRICTL_GROUPS[g].includes(id)) ?? 'runtime',
  },
];

const esc = (s) => String(s ?? '').replace(/\\/g, '\\\\').replace(/^\./gm, '\\&.').replace(/-/g, '\\-');

function flagLine(name, f) {
  const short = f.char ? `\\-${f.char}, ` : '';
  const value = f.type === 'option' ? ` \\fI${f.options ? f.options.join('|') : 'value'}\\fR` : '';
  const def = f.default !== undefined && f.type === 'option' ? ` (default: ${esc(f.default)})` : '';
  return `.TP\n.B ${short}\\-\\-${esc(name)}${value}\n${esc(f.description ?? '')}${def}\n`;
}

function header(name, section, version, what) {
  return `.TH ${name.toUpperCase()} ${section} "" "berth ${version}" "berth"\n.SH NAME\n${name} \\- ${esc(what)}\n`;
}

function commandTitle(tool, id, c) {
  const args = Object.entries(c.args ?? {}).map(([n, a]) => (a.required ? `<${n}>` : `[${n}]`)).join(' ');
  return `${tool} ${id.replace(/:/g, ' ')}${args ? ` ${esc(args)}` : ''}`;
}

function commandSection(tool, id, c) {
  let out = `.SS "${commandTitle(tool, id, c)}"\n${esc(c.summary ?? '')}\n`;
  if (c.description) out += `.PP\n${esc(c.description)}\n`;
  if (c.aliases?.length) out += `.PP\nAliases: ${esc(c.aliases.join(', '))}\n`;
  for (const [n, f] of Object.entries(c.flags ?? {})) if (!f.hidden) out += flagLine(n, f);
  return out;
}

function globalOptions(first) {
  const globals = Object.entries(first?.baseFlags ?? {}).filter(([, f]) => !f.hidden);
  if (!globals.length) return '';
  return `.SH GLOBAL OPTIONS\n${globals.map(([n, f]) => flagLine(n, f)).join('')}`;
}

const dir = path.join(repo, 'man');
fs.mkdirSync(dir, { recursive: true });
const written = new Set();
const write = (file, text) => { fs.writeFileSync(path.join(dir, file), text); written.add(file); };

for (const { tool, section, what, groupOf } of TOOLS) {
  const dist = path.join(repo, 'packages', tool, 'dist', 'commands.js');
  if (!fs.existsSync(dist)) continue;
  const { COMMANDS } = require(dist);
  const version = JSON.parse(fs.readFileSync(path.join(repo, 'packages', tool, 'package.json'), 'utf8')).version;
  const ids = Object.keys(COMMANDS).filter((id) => !COMMANDS[id].hidden).sort();
  const groups = new Map();
  for (const id of ids) {
    const g = groupOf(id);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(id);
  }
  const pageOf = (g) => `${tool}-${g.replace(/:/g, '-')}`;

  let out = header(tool, section, version, what);
  out += `.SH SYNOPSIS\n.B ${tool}\n[\\fIglobal options\\fR] \\fIcommand\\fR [\\fIcommand options\\fR] [\\fIarguments\\fR...]\n`;
  out += '.SH DESCRIPTION\nSee README.md of berth for the architecture. Every command answers \\fB\\-\\-help\\fR; each command group has its own page (SEE ALSO).\n';
  out += globalOptions(COMMANDS[ids[0]]);
  out += '.SH COMMANDS\n';
  for (const [g, members] of groups) {
    for (const id of members) out += `.TP\n.B ${commandTitle(tool, id, COMMANDS[id])}\n${esc(COMMANDS[id].summary ?? '')} See \\fB${pageOf(g)}\\fR(${section}).\n`;
  }
  out += '.SH SEE ALSO\n';
  const related = [...groups.keys()].map((g) => `.BR ${pageOf(g)} (${section})`);
  related.push(...TOOLS.filter((t) => t.tool !== tool).map((t) => `.BR ${t.tool} (${t.section})`));
  out += `${related.join(',\n')}\n`;
  write(`${tool}.${section}`, out);

  for (const [g, members] of groups) {
    const name = pageOf(g);
    const summary = members.length === 1 ? COMMANDS[members[0]].summary : `the ${g.replace(/:/g, ' ')} commands of ${tool}`;
    let page = header(name, section, version, summary ?? g);
    page += `.SH SYNOPSIS\n${members.map((id) => `.B ${commandTitle(tool, id, COMMANDS[id])}`).join('\n.br\n')}\n`;
    page += `.SH COMMANDS\n${members.map((id) => commandSection(tool, id, COMMANDS[id])).join('')}`;
    page += `.SH SEE ALSO\n.BR ${tool} (${section})\n`;
    write(`${name}.${section}`, page);
  }
}

// Pages of commands that no longer exist go.
for (const f of fs.readdirSync(dir)) {
  if (/^(runc|ctr|crictl)(-[\w-]+)?\.\d$/.test(f) && !written.has(f)) fs.rmSync(path.join(dir, f));
}

// npm installs man pages from each CLI package's "man" list (its `directories.man` is not
// honoured by `npm install -g`): keep the list equal to the pages just written.
for (const { tool } of TOOLS) {
  const file = path.join(repo, 'packages', tool, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  const pages = [...written].filter((f) => f.startsWith(`${tool}.`) || f.startsWith(`${tool}-`)).sort().map((f) => `./man/${f}`);
  delete pkg.directories;
  if (JSON.stringify(pkg.man) === JSON.stringify(pages)) continue;
  pkg.man = pages;
  fs.writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}
