# bash completion for runc (berth), generated from its commands by `runc completion bash`.
# Load it with: source <(runc completion bash)
_berth_runc_words() {
  case $1 in
    '') REPLY='completion create delete events exec features help kill list pause ps resume run spec start state update' ;;
    *) REPLY='' ;;
  esac
}
_berth_runc_leaf() {
  case $1 in
    'completion') REPLY='completion' ;;
    'create') REPLY='create' ;;
    'delete') REPLY='delete' ;;
    'events') REPLY='events' ;;
    'exec') REPLY='exec' ;;
    'features') REPLY='features' ;;
    'help') REPLY='help' ;;
    'kill') REPLY='kill' ;;
    'list') REPLY='list' ;;
    'pause') REPLY='pause' ;;
    'ps') REPLY='ps' ;;
    'resume') REPLY='resume' ;;
    'run') REPLY='run' ;;
    'spec') REPLY='spec' ;;
    'start') REPLY='start' ;;
    'state') REPLY='state' ;;
    'update') REPLY='update' ;;
    *) REPLY='' ;;
  esac
}
_berth_runc_flags() {
  case $1 in
    '') REPLY='--debug --log --log-format --root --rootless --systemd-cgroup --help -h --version -v' ;;
    'completion'|'features'|'pause'|'resume'|'start'|'state') REPLY='--help -h' ;;
    'create') REPLY='--bundle -b --console-socket --no-new-keyring --no-pivot --pid-file --preserve-fds --help -h' ;;
    'delete') REPLY='--force -f --help -h' ;;
    'events') REPLY='--interval --stats --help -h' ;;
    'exec') REPLY='--additional-gids -g --apparmor --cap -c --console-socket --cwd --detach -d --env -e --ignore-paused --no-new-privs --pid-file --preserve-fds --process -p --process-label --tty -t --user -u --help -h' ;;
    'help') REPLY='--nested-commands -n --help -h' ;;
    'kill') REPLY='--all -a --help -h' ;;
    'list') REPLY='--format -f --quiet -q --help -h' ;;
    'ps') REPLY='--format -f --help -h' ;;
    'run') REPLY='--bundle -b --console-socket --detach -d --keep --no-new-keyring --no-pivot --pid-file --preserve-fds --help -h' ;;
    'spec') REPLY='--bundle -b --debug --log --log-format --root --rootless --systemd-cgroup --help -h' ;;
    'update') REPLY='--blkio-weight --cpu-period --cpu-quota --cpu-rt-period --cpu-rt-runtime --cpu-share --cpuset-cpus --cpuset-mems --memory --memory-reservation --memory-swap --pids-limit --resources -r --help -h' ;;
    *) REPLY='' ;;
  esac
}
_berth_runc_valued() {
  case $1 in
    '') REPLY='--log --log-format --root --rootless' ;;
    'create'|'run') REPLY='--bundle -b --console-socket --pid-file --preserve-fds' ;;
    'events') REPLY='--interval' ;;
    'exec') REPLY='--additional-gids -g --apparmor --cap -c --console-socket --cwd --env -e --pid-file --preserve-fds --process -p --process-label --user -u' ;;
    'list'|'ps') REPLY='--format -f' ;;
    'spec') REPLY='--bundle -b --log --log-format --root' ;;
    'update') REPLY='--blkio-weight --cpu-period --cpu-quota --cpu-rt-period --cpu-rt-runtime --cpu-share --cpuset-cpus --cpuset-mems --memory --memory-reservation --memory-swap --pids-limit --resources -r' ;;
    *) REPLY='' ;;
  esac
}
_berth_runc_values() {
  case $1 in
    ' --log-format'|'spec --log-format') REPLY='text json' ;;
    'list --format'|'list -f'|'ps --format'|'ps -f') REPLY='table json' ;;
    *) REPLY='' ;;
  esac
}
_berth_runc_args() {
  case $1 in
    'completion') REPLY='bash zsh fish' ;;
    *) REPLY='' ;;
  esac
}

_berth_runc() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} path='' id='' w i skip=0 done=0 flag='' pre='' words REPLY
  # The globals every command takes too, but those listed in noglobals.
  local globals='--debug --log --log-format --root --rootless --systemd-cgroup' gvalued='--log --log-format --root --rootless' noglobals=' help spec '
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if ((skip)); then skip=0; continue; fi
    if [[ $w == -* ]]; then
      # --flag=value: three words when '=' breaks words (the default), one otherwise.
      if [[ ${COMP_WORDS[i+1]} == = ]]; then ((i += 2)); continue; fi
      [[ $w == *=* ]] && continue
      _berth_runc_valued "$id"
      [[ -n $id && $noglobals != *" $id "* ]] && REPLY="$REPLY $gvalued"
      [[ " $REPLY " == *" $w "* ]] && skip=1
      continue
    fi
    ((done)) && continue
    _berth_runc_words "$path"
    if [[ " $REPLY " == *" $w "* ]]; then
      path=${path:+$path }$w
      _berth_runc_leaf "$path"
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
    _berth_runc_values "$id $flag"
    [[ -z $REPLY && $noglobals != *" $id "* ]] && _berth_runc_values " $flag"
    if [[ -n $REPLY ]]; then COMPREPLY=($(compgen -W "$REPLY" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
    [[ -n $pre ]] && COMPREPLY=("${COMPREPLY[@]/#/$pre}")
    return 0
  fi
  if [[ $cur == -* ]]; then
    if [[ -n $id || -z $path ]]; then _berth_runc_flags "$id"; else REPLY='--help'; fi
    [[ -n $id && $noglobals != *" $id "* ]] && REPLY="$REPLY $globals"
    COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
    return 0
  fi
  if ((done)); then COMPREPLY=($(compgen -f -- "$cur")); return 0; fi
  _berth_runc_words "$path"
  words=$REPLY
  if [[ -n $id ]]; then _berth_runc_args "$id"; words="$words $REPLY"; fi
  if [[ -n ${words// /} ]]; then COMPREPLY=($(compgen -W "$words" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
  return 0
}
complete -o filenames -F _berth_runc runc
