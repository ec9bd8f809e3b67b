/**
 * zsh completion script (#compdef, works from $fpath or sourced): the same tables as bash's, as
 * associative arrays, and descriptions for commands and flags through _describe.
 */
import type { CompletionFlag, CompletionModel } from './model';
import { shQuote } from './quote';
import { completionTables, forms } from './tables';

/** zsh keeps no empty key reliably across versions: every key gets a leading "k". */
function assoc(name: string, table: Map<string, string>): string {
  const rows = [...table].filter(([, v]) => v !== '').map(([k, v]) => `  ${shQuote(`k${k}`)} ${shQuote(v)}\n`).join('');
  return `typeset -gA ${name}\n${name}=(\n${rows})\n`;
}

const described = (word: string, help: string): string => `${word.replace(/:/g, '\\:')}:${help}`;
const flagLines = (flags: CompletionFlag[]): string => flags.flatMap((f) => forms(f).map((form) => described(form, f.help))).join('\n');

export function zshScript(m: CompletionModel): string {
  const t = completionTables(m);
  const f = `_${m.tool.replace(/\W/g, '_')}`;
  const d = `_berth_${m.tool.replace(/\W/g, '_')}`;
  const children = new Map([...m.children].map(([p, ws]) => [p, ws.map((w) => described(w.word, w.help)).join('\n')]));
  const flagHelp = new Map<string, string>([['', flagLines(m.top)], ...[...m.commands].map(([id, c]): [string, string] => [id, flagLines(c.flags)])]);
  return `#compdef ${m.tool}
# zsh completion for ${m.tool} (berth), generated from its commands by \`${m.tool} completion zsh\`.
# Load it with: source <(${m.tool} completion zsh), or save it as _${m.tool} in a directory of $fpath.
${assoc(`${d}_words`, t.words)}${assoc(`${d}_described`, children)}${assoc(`${d}_leaf`, t.leaves)}${assoc(`${d}_flags`, flagHelp)}${assoc(`${d}_valued`, t.valued)}${assoc(`${d}_values`, t.values)}${assoc(`${d}_args`, t.args)}
typeset -g ${d}_globals=${shQuote(flagLines(m.globals))} ${d}_gvalued=${shQuote(t.globalValued)} ${d}_noglobals=${shQuote(` ${t.noGlobals} `)}

${f}() {
  local p='' id='' w i skip=0 done_=0 flag='' cur=\${words[CURRENT]} vals inherit
  local -a ws
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    if ((skip)); then skip=0; continue; fi
    if [[ $w == -* ]]; then
      [[ $w == *=* ]] && continue
      vals=" \${${d}_valued[k$id]} "
      [[ -n $id && \${${d}_noglobals} != *" $id "* ]] && vals="$vals \${${d}_gvalued} "
      [[ $vals == *" $w "* ]] && skip=1
      continue
    fi
    ((done_)) && continue
    if [[ " \${${d}_words[k$p]} " == *" $w "* ]]; then
      p=\${p:+$p }$w
      [[ -n \${${d}_leaf[k$p]} ]] && id=\${${d}_leaf[k$p]}
    else
      done_=1
    fi
  done
  if ((skip)); then flag=\${words[CURRENT-1]}
  elif [[ $cur == -*=* ]]; then flag=\${cur%%=*}; compset -P '*='
  fi
  if [[ -n $flag ]]; then
    vals=\${${d}_values[k$id $flag]}
    [[ -z $vals ]] && vals=\${${d}_values[k $flag]}
    if [[ -n $vals ]]; then compadd -- \${=vals}; else _files; fi
    return
  fi
  if [[ $cur == -* ]]; then
    if [[ -n $id || -z $p ]]; then ws=(\${(f)${d}_flags[k$id]}); else ws=('--help:show help'); fi
    [[ -n $id && \${${d}_noglobals} != *" $id "* ]] && ws+=(\${(f)${d}_globals})
    _describe -t options 'option' ws
    return
  fi
  if ((done_)); then _files; return; fi
  ws=(\${(f)${d}_described[k$p]})
  if [[ -n $id && -n \${${d}_args[k$id]} ]]; then ws+=(\${=${d}_args[k$id]}); fi
  if (( \${#ws} )); then _describe -t commands 'command' ws; else _files; fi
}
if [[ \${funcstack[1]} == ${f} ]]; then ${f} "$@"; else compdef ${f} ${m.tool}; fi
`;
}
