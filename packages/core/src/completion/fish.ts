/**
 * fish completion script: a function that tells whether the command words typed so far are
 * one of the paths it is given, and one `complete` line per word and per flag, conditioned on it.
 */
import type { CompletionFlag, CompletionModel } from './model';
import { fishQuote } from './quote';
import { completionTables } from './tables';

function flagLine(tool: string, cond: string, f: CompletionFlag): string {
  let line = `complete -c ${tool} -n ${fishQuote(cond)} -l ${f.long}`;
  if (f.char) line += ` -s ${f.char}`;
  if (f.takesValue) line += f.values.length ? ` -x -a ${fishQuote(f.values.join(' '))}` : ' -r';
  if (f.help) line += ` -d ${fishQuote(f.help)}`;
  return `${line}\n`;
}

export function fishScript(m: CompletionModel): string {
  const t = completionTables(m);
  const fn = `__berth_${m.tool.replace(/\W/g, '_')}_at`;
  const paths = [...t.words.keys()].concat([...t.leaves.keys()]).filter((p) => p !== '');
  const valued = [...new Set([...t.valued.values()].flatMap((v) => v.split(' ')).filter(Boolean))];
  let out = `# fish completion for ${m.tool} (berth), generated from its commands by \`${m.tool} completion fish\`.
# Load it with: ${m.tool} completion fish | source
function ${fn}
    set -l known ${[...new Set(paths)].map(fishQuote).join(' ')}
    set -l valued ${valued.map(fishQuote).join(' ')}
    set -l p ''
    set -l skip 0
    for w in (commandline -opc)[2..-1]
        if test $skip = 1; set skip 0; continue; end
        if string match -q -- '-*' $w
            contains -- $w $valued; and set skip 1
            continue
        end
        set -l next (string trim -- "$p $w")
        contains -- $next $known; or break
        set p $next
    end
    contains -- "$p" $argv
end
complete -c ${m.tool} -f
`;
  for (const [p, ws] of m.children) {
    for (const w of ws) out += `complete -c ${m.tool} -n ${fishQuote(`${fn} ${fishQuote(p)}`)} -a ${fishQuote(w.word)}${w.help ? ` -d ${fishQuote(w.help)}` : ''}\n`;
  }
  const pathsOf = new Map<string, string[]>();
  for (const [p, id] of t.leaves) pathsOf.set(id, [...(pathsOf.get(id) ?? []), p]);
  // The globals: at the top, and after every command that takes them (listed once, in a variable).
  const inheriting = [...m.commands.values()].filter((c) => c.inheritsGlobals).flatMap((c) => pathsOf.get(c.id) ?? []);
  const g = `__berth_${m.tool.replace(/\W/g, '_')}_inheriting`;
  out += `set -g ${g} ${inheriting.map(fishQuote).join(' ')}\n`;
  for (const f of m.top) out += flagLine(m.tool, m.globals.includes(f) ? `${fn} '' $${g}` : `${fn} ''`, f);
  for (const [id, c] of m.commands) {
    const cond = `${fn} ${(pathsOf.get(id) ?? []).map(fishQuote).join(' ')}`;
    for (const f of c.flags) out += flagLine(m.tool, cond, f);
    if (c.argValues.length) out += `complete -c ${m.tool} -n ${fishQuote(cond)} -a ${fishQuote(c.argValues.join(' '))}\n`;
  }
  return out;
}
