/**
 * bash completion script: lookup functions (one case statement each, generated) and one
 * completion function that walks the typed words. Needs nothing but bash 4 (no bash-completion).
 */
import type { CompletionModel } from './model';
import { byValue, shQuote } from './quote';
import { completionTables } from './tables';

function lookup(name: string, table: Map<string, string>): string {
  const arms = byValue(table).map(([keys, v]) => `    ${keys.map(shQuote).join('|')}) REPLY=${shQuote(v)} ;;\n`).join('');
  return `${name}() {\n  case $1 in\n${arms}    *) REPLY='' ;;\n  esac\n}\n`;
}

export function bashScript(m: CompletionModel): string {
  const t = completionTables(m);
  const f = `_berth_${m.tool.replace(/\W/g, '_')}`;
  return `# bash completion for ${m.tool} (berth), generated from its commands by \`${m.tool} completion bash\`.
# Load it with: source <(${m.tool} completion bash)
${lookup(`${f}_words`, t.words)}${lookup(`${f}_leaf`, t.leaves)}${lookup(`${f}_flags`, t.flags)}${lookup(`${f}_valued`, t.valued)}${lookup(`${f}_values`, t.values)}${lookup(`${f}_args`, t.args)}
${f}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} path='' id='' w i skip=0 done=0 flag='' pre='' words REPLY
  # The globals every command takes too, but those listed in noglobals.
  local globals=${shQuote(t.globalForms)} gvalued=${shQuote(t.globalValued)} noglobals=${shQuote(` ${t.noGlobals} `)}
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if ((skip)); then skip=0; continue; fi
    if [[ $w == -* ]]; then
      # --flag=value: three words when '=' breaks words (the default), one otherwise.
      if [[ \${COMP_WORDS[i+1]} == = ]]; then ((i += 2)); continue; fi
      [[ $w == *=* ]] && continue
      ${f}_valued "$id"
      [[ -n $id && $noglobals != *" $id "* ]] && REPLY="$REPLY $gvalued"
      [[ " $REPLY " == *" $w "* ]] && skip=1
      continue
    fi
    ((done)) && continue
    ${f}_words "$path"
    if [[ " $REPLY " == *" $w "* ]]; then
      path=\${path:+$path }$w
      ${f}_leaf "$path"
      [[ -n $REPLY ]] && id=$REPLY
    else
      done=1 # an argument: no command words after it
    fi
  done
  if ((skip)); then flag=$prev
  elif [[ $cur == = && $prev == -* ]]; then flag=$prev; cur=''
  elif [[ $prev == = && \${COMP_WORDS[COMP_CWORD-2]} == -* ]]; then flag=\${COMP_WORDS[COMP_CWORD-2]}
  elif [[ $cur == -*=* ]]; then flag=\${cur%%=*}; pre=$flag=; cur=\${cur#*=}
  fi
  if [[ -n $flag ]]; then
    ${f}_values "$id $flag"
    [[ -z $REPLY && $noglobals != *" $id "* ]] && ${f}_values " $flag"
    if [[ -n $REPLY ]]; then COMPREPLY=($(compgen -W "$REPLY" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
    [[ -n $pre ]] && COMPREPLY=("\${COMPREPLY[@]/#/$pre}")
    return 0
  fi
  if [[ $cur == -* ]]; then
    if [[ -n $id || -z $path ]]; then ${f}_flags "$id"; else REPLY='--help'; fi
    [[ -n $id && $noglobals != *" $id "* ]] && REPLY="$REPLY $globals"
    COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
    return 0
  fi
  if ((done)); then COMPREPLY=($(compgen -f -- "$cur")); return 0; fi
  ${f}_words "$path"
  words=$REPLY
  if [[ -n $id ]]; then ${f}_args "$id"; words="$words $REPLY"; fi
  if [[ -n \${words// /} ]]; then COMPREPLY=($(compgen -W "$words" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
  return 0
}
complete -o filenames -F ${f} ${m.tool}
`;
}
