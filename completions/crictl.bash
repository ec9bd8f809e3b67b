# bash completion for crictl (berth), generated from its commands by `crictl completion bash`.
# Load it with: source <(crictl completion bash)
_berth_crictl_words() {
  case $1 in
    '') REPLY='attach completion config create exec help image imagefsinfo images img info inspect inspecti inspectp logs pods ps pull rm rmi rmp run runp start stats statsp stop stopp update version' ;;
    *) REPLY='' ;;
  esac
}
_berth_crictl_leaf() {
  case $1 in
    'attach') REPLY='attach' ;;
    'completion') REPLY='completion' ;;
    'config') REPLY='config' ;;
    'create') REPLY='create' ;;
    'exec') REPLY='exec' ;;
    'help') REPLY='help' ;;
    'imagefsinfo') REPLY='imagefsinfo' ;;
    'images'|'image'|'img') REPLY='images' ;;
    'info') REPLY='info' ;;
    'inspect') REPLY='inspect' ;;
    'inspecti') REPLY='inspecti' ;;
    'inspectp') REPLY='inspectp' ;;
    'logs') REPLY='logs' ;;
    'pods') REPLY='pods' ;;
    'ps') REPLY='ps' ;;
    'pull') REPLY='pull' ;;
    'rm') REPLY='rm' ;;
    'rmi') REPLY='rmi' ;;
    'rmp') REPLY='rmp' ;;
    'run') REPLY='run' ;;
    'runp') REPLY='runp' ;;
    'start') REPLY='start' ;;
    'stats') REPLY='stats' ;;
    'statsp') REPLY='statsp' ;;
    'stop') REPLY='stop' ;;
    'stopp') REPLY='stopp' ;;
    'update') REPLY='update' ;;
    'version') REPLY='version' ;;
    *) REPLY='' ;;
  esac
}
_berth_crictl_flags() {
  case $1 in
    '') REPLY='--berth-config --berth-root --berth-state --config -c --debug -D --image-endpoint -i --runtime-endpoint -r --timeout -t --help -h --version -v' ;;
    'attach') REPLY='--berth-config --berth-root --berth-state --config -c --debug -D --image-endpoint --runtime-endpoint -r --stdin -i --timeout --tty -t --help -h' ;;
    'completion'|'start'|'stop'|'stopp'|'version') REPLY='--help -h' ;;
    'config') REPLY='--get --list --set --help -h' ;;
    'create') REPLY='--auth --cancel-timeout -T --creds --no-pull --with-pull --help -h' ;;
    'exec') REPLY='--berth-config --berth-root --berth-state --config -c --debug -D --image-endpoint --interactive -i --runtime-endpoint -r --sync -s --timeout --tty -t --help -h' ;;
    'help') REPLY='--nested-commands -n --help -h' ;;
    'imagefsinfo') REPLY='--output -o --template --help -h' ;;
    'images') REPLY='--digests --filter -f --no-trunc --output -o --pinned --quiet -q --verbose -v --help -h' ;;
    'info'|'inspect'|'inspecti'|'inspectp') REPLY='--output -o --quiet -q --template --help -h' ;;
    'logs') REPLY='--berth-config --berth-root --berth-state --config -c --debug -D --follow -f --image-endpoint -i --limit-bytes --previous -p --runtime-endpoint -r --since --tail --timeout --timestamps -t --help -h' ;;
    'pods') REPLY='--id --label --last -n --latest -l --name --namespace --no-trunc --output -o --quiet -q --state -s --verbose -v --help -h' ;;
    'ps') REPLY='--all -a --id --image --label --last -n --latest -l --name --no-trunc --output -o --pod -p --quiet -q --state -s --verbose -v --help -h' ;;
    'pull') REPLY='--annotation -a --auth --creds --pod-config --username -u --help -h' ;;
    'rm'|'rmp') REPLY='--all -a --force -f --help -h' ;;
    'rmi') REPLY='--all -a --prune -q --help -h' ;;
    'run') REPLY='--auth --berth-config --berth-root --berth-state --cancel-timeout -T --cni-bin-dir --cni-conf-dir --config -c --creds --debug -D --image-endpoint -i --no-pull --runtime -r --runtime-endpoint --timeout -t --with-pull --help -h' ;;
    'runp') REPLY='--berth-config --berth-root --berth-state --cancel-timeout -T --cni-bin-dir --cni-conf-dir --config -c --debug -D --image-endpoint -i --runtime -r --runtime-endpoint --timeout -t --help -h' ;;
    'stats') REPLY='--all -a --id --label --output -o --pod -p --quiet -q --seconds -s --watch -w --help -h' ;;
    'statsp') REPLY='--id --label --output -o --quiet -q --seconds -s --watch -w --help -h' ;;
    'update') REPLY='--cpu-period --cpu-quota --cpu-share --cpuset-cpus --cpuset-mems --memory --help -h' ;;
    *) REPLY='' ;;
  esac
}
_berth_crictl_valued() {
  case $1 in
    '') REPLY='--berth-config --berth-root --berth-state --config -c --image-endpoint -i --runtime-endpoint -r --timeout -t' ;;
    'attach'|'exec') REPLY='--berth-config --berth-root --berth-state --config -c --image-endpoint --runtime-endpoint -r --timeout' ;;
    'config') REPLY='--get --set' ;;
    'create') REPLY='--auth --cancel-timeout -T --creds' ;;
    'imagefsinfo'|'info'|'inspect'|'inspecti'|'inspectp') REPLY='--output -o --template' ;;
    'images') REPLY='--filter -f --output -o' ;;
    'logs') REPLY='--berth-config --berth-root --berth-state --config -c --image-endpoint -i --limit-bytes --runtime-endpoint -r --since --tail --timeout' ;;
    'pods') REPLY='--id --label --last -n --name --namespace --output -o --state -s' ;;
    'ps') REPLY='--id --image --label --last -n --name --output -o --pod -p --state -s' ;;
    'pull') REPLY='--annotation -a --auth --creds --pod-config --username -u' ;;
    'run') REPLY='--auth --berth-config --berth-root --berth-state --cancel-timeout -T --cni-bin-dir --cni-conf-dir --config -c --creds --image-endpoint -i --runtime -r --runtime-endpoint --timeout -t' ;;
    'runp') REPLY='--berth-config --berth-root --berth-state --cancel-timeout -T --cni-bin-dir --cni-conf-dir --config -c --image-endpoint -i --runtime -r --runtime-endpoint --timeout -t' ;;
    'stats') REPLY='--id --label --output -o --pod -p --seconds -s' ;;
    'statsp') REPLY='--id --label --output -o --seconds -s' ;;
    'update') REPLY='--cpu-period --cpu-quota --cpu-share --cpuset-cpus --cpuset-mems --memory' ;;
    *) REPLY='' ;;
  esac
}
_berth_crictl_values() {
  case $1 in
    *) REPLY='' ;;
  esac
}
_berth_crictl_args() {
  case $1 in
    'completion') REPLY='bash zsh fish' ;;
    *) REPLY='' ;;
  esac
}

_berth_crictl() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} path='' id='' w i skip=0 done=0 flag='' pre='' words REPLY
  # The globals every command takes too, but those listed in noglobals.
  local globals='--berth-config --berth-root --berth-state --config -c --debug -D --image-endpoint -i --runtime-endpoint -r --timeout -t' gvalued='--berth-config --berth-root --berth-state --config -c --image-endpoint -i --runtime-endpoint -r --timeout -t' noglobals=' attach exec help logs run runp '
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if ((skip)); then skip=0; continue; fi
    if [[ $w == -* ]]; then
      # --flag=value: three words when '=' breaks words (the default), one otherwise.
      if [[ ${COMP_WORDS[i+1]} == = ]]; then ((i += 2)); continue; fi
      [[ $w == *=* ]] && continue
      _berth_crictl_valued "$id"
      [[ -n $id && $noglobals != *" $id "* ]] && REPLY="$REPLY $gvalued"
      [[ " $REPLY " == *" $w "* ]] && skip=1
      continue
    fi
    ((done)) && continue
    _berth_crictl_words "$path"
    if [[ " $REPLY " == *" $w "* ]]; then
      path=${path:+$path }$w
      _berth_crictl_leaf "$path"
      [[ -n $REPLY ]] && id=$REPLY
    else
      done=1 # an argument: no command words after it
    fi
  done
  if ((skip)); then flag=$prev
  elif [[ $cur == = && $prev == -* ]]; then flag=$prev; cur=''
  elif [[ $prev == = && ${COMP_WORDS[COMP_CWORD-2]} == -* ]]; then flag=${COMP_WORDS[COMP_CWORD-2]}
  elif [[ $cur == -*=* ]]; then flag=${cur%%=*}; pre=$flag=; cur=${cur#*=}
  fi
  if [[ -n $flag ]]; then
    _berth_crictl_values "$id $flag"
    [[ -z $REPLY && $noglobals != *" $id "* ]] && _berth_crictl_values " $flag"
    if [[ -n $REPLY ]]; then COMPREPLY=($(compgen -W "$REPLY" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
    [[ -n $pre ]] && COMPREPLY=("${COMPREPLY[@]/#/$pre}")
    return 0
  fi
  if [[ $cur == -* ]]; then
    if [[ -n $id || -z $path ]]; then _berth_crictl_flags "$id"; else REPLY='--help'; fi
    [[ -n $id && $noglobals != *" $id "* ]] && REPLY="$REPLY $globals"
    COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
    return 0
  fi
  if ((done)); then COMPREPLY=($(compgen -f -- "$cur")); return 0; fi
  _berth_crictl_words "$path"
  words=$REPLY
  if [[ -n $id ]]; then _berth_crictl_args "$id"; words="$words $REPLY"; fi
  if [[ -n ${words// /} ]]; then COMPREPLY=($(compgen -W "$words" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
  return 0
}
complete -o filenames -F _berth_crictl crictl
