# bash completion for ctr (berth), generated from its commands by `ctr completion bash`.
# Load it with: source <(ctr completion bash)
_berth_ctr_words() {
  case $1 in
    '') REPLY='c completion config container containers content doctor help i image images leases namespaces ns plugin plugins run snapshot snapshots t task tasks version' ;;
    'config') REPLY='default' ;;
    'containers'|'c'|'container') REPLY='create del delete info label list ls remove rm' ;;
    'content') REPLY='active del delete fetch get label list ls prune remove rm' ;;
    'content prune') REPLY='references' ;;
    'images'|'image'|'i') REPLY='check del delete export import label list ls mount prune pull push remove rm tag unmount usage' ;;
    'leases') REPLY='create del delete list ls remove rm' ;;
    'namespaces'|'ns') REPLY='create delete label list ls remove rm' ;;
    'plugins'|'plugin') REPLY='list ls' ;;
    'snapshots'|'snapshot') REPLY='commit del delete info label list ls m mount mounts prepare remove rm tree usage view' ;;
    'tasks'|'t'|'task') REPLY='attach del delete exec kill list ls metric metrics pause ps remove resume rm start wait' ;;
    *) REPLY='' ;;
  esac
}
_berth_ctr_leaf() {
  case $1 in
    'completion') REPLY='completion' ;;
    'config default') REPLY='config:default' ;;
    'containers create'|'c create'|'container create') REPLY='containers:create' ;;
    'containers info'|'c info'|'container info') REPLY='containers:info' ;;
    'containers label'|'c label'|'container label') REPLY='containers:label' ;;
    'containers list'|'containers ls'|'c ls'|'c list'|'container ls'|'container list') REPLY='containers:list' ;;
    'containers remove'|'containers rm'|'containers delete'|'containers del'|'c rm'|'c remove'|'c delete'|'c del'|'container rm'|'container remove'|'container delete'|'container del') REPLY='containers:remove' ;;
    'content active') REPLY='content:active' ;;
    'content fetch') REPLY='content:fetch' ;;
    'content get') REPLY='content:get' ;;
    'content label') REPLY='content:label' ;;
    'content list'|'content ls') REPLY='content:list' ;;
    'content prune') REPLY='content:prune' ;;
    'content prune references') REPLY='content:prune:references' ;;
    'content remove'|'content rm'|'content delete'|'content del') REPLY='content:remove' ;;
    'doctor') REPLY='doctor' ;;
    'help') REPLY='help' ;;
    'images check'|'image check'|'i check') REPLY='images:check' ;;
    'images export'|'i export'|'image export') REPLY='images:export' ;;
    'images import'|'i import'|'image import') REPLY='images:import' ;;
    'images label'|'image label'|'i label') REPLY='images:label' ;;
    'images list'|'images ls'|'image list'|'image ls'|'i ls'|'i list') REPLY='images:list' ;;
    'images mount'|'i mount'|'image mount') REPLY='images:mount' ;;
    'images prune'|'image prune'|'i prune') REPLY='images:prune' ;;
    'images pull'|'i pull'|'image pull') REPLY='images:pull' ;;
    'images push'|'i push'|'image push') REPLY='images:push' ;;
    'images remove'|'images rm'|'images delete'|'images del'|'image remove'|'image rm'|'image delete'|'image del'|'i rm'|'i remove'|'i delete'|'i del') REPLY='images:remove' ;;
    'images tag'|'image tag'|'i tag') REPLY='images:tag' ;;
    'images unmount'|'i unmount'|'image unmount') REPLY='images:unmount' ;;
    'images usage'|'image usage'|'i usage') REPLY='images:usage' ;;
    'leases create') REPLY='leases:create' ;;
    'leases list'|'leases ls') REPLY='leases:list' ;;
    'leases remove'|'leases delete'|'leases del'|'leases rm') REPLY='leases:remove' ;;
    'namespaces create'|'ns create') REPLY='namespaces:create' ;;
    'namespaces label'|'ns label') REPLY='namespaces:label' ;;
    'namespaces list'|'namespaces ls'|'ns ls'|'ns list') REPLY='namespaces:list' ;;
    'namespaces remove'|'namespaces rm'|'namespaces delete'|'ns rm'|'ns remove'|'ns delete') REPLY='namespaces:remove' ;;
    'plugins list'|'plugins ls'|'plugin ls'|'plugin list') REPLY='plugins:list' ;;
    'run') REPLY='run' ;;
    'snapshots commit'|'snapshot commit') REPLY='snapshots:commit' ;;
    'snapshots info'|'snapshot info') REPLY='snapshots:info' ;;
    'snapshots label'|'snapshot label') REPLY='snapshots:label' ;;
    'snapshots list'|'snapshots ls'|'snapshot ls'|'snapshot list') REPLY='snapshots:list' ;;
    'snapshots mounts'|'snapshots m'|'snapshots mount'|'snapshot mounts'|'snapshot m'|'snapshot mount') REPLY='snapshots:mounts' ;;
    'snapshots prepare'|'snapshot prepare') REPLY='snapshots:prepare' ;;
    'snapshots remove'|'snapshots delete'|'snapshots del'|'snapshots rm'|'snapshot delete'|'snapshot del'|'snapshot remove'|'snapshot rm') REPLY='snapshots:remove' ;;
    'snapshots tree'|'snapshot tree') REPLY='snapshots:tree' ;;
    'snapshots usage'|'snapshot usage') REPLY='snapshots:usage' ;;
    'snapshots view'|'snapshot view') REPLY='snapshots:view' ;;
    'tasks attach'|'t attach'|'task attach') REPLY='tasks:attach' ;;
    'tasks delete'|'tasks del'|'tasks remove'|'tasks rm'|'t delete'|'t del'|'t remove'|'t rm'|'task delete'|'task del'|'task remove'|'task rm') REPLY='tasks:delete' ;;
    'tasks exec'|'t exec'|'task exec') REPLY='tasks:exec' ;;
    'tasks kill'|'t kill'|'task kill') REPLY='tasks:kill' ;;
    'tasks list'|'tasks ls'|'t ls'|'t list'|'task ls'|'task list') REPLY='tasks:list' ;;
    'tasks metrics'|'tasks metric'|'t metrics'|'t metric'|'task metrics'|'task metric') REPLY='tasks:metrics' ;;
    'tasks pause'|'t pause'|'task pause') REPLY='tasks:pause' ;;
    'tasks ps'|'t ps'|'task ps') REPLY='tasks:ps' ;;
    'tasks resume'|'t resume'|'task resume') REPLY='tasks:resume' ;;
    'tasks start'|'t start'|'task start') REPLY='tasks:start' ;;
    'tasks wait'|'t wait'|'task wait') REPLY='tasks:wait' ;;
    'version') REPLY='version' ;;
    *) REPLY='' ;;
  esac
}
_berth_ctr_flags() {
  case $1 in
    '') REPLY='--config -c --debug --namespace -n --root --state --timeout --help -h --version -v' ;;
    'completion'|'config:default'|'containers:label'|'content:active'|'content:get'|'content:label'|'content:prune'|'content:remove'|'namespaces:create'|'namespaces:label'|'namespaces:remove'|'tasks:attach'|'tasks:pause'|'tasks:resume'|'tasks:wait'|'version') REPLY='--help -h' ;;
    'containers:create') REPLY='--allow-new-privs --annotation --cap-add --cap-drop --cpu-period --cpu-quota --cpu-shares --cpus --cpuset-cpus --cwd --device --env --env-file --hostname --label --memory-limit --mount --net-host --privileged --read-only --rlimit-nofile --rootfs --rootfs-propagation --runtime --seccomp --snapshotter --tty -t --user -u --with-ns --help -h' ;;
    'containers:info') REPLY='--spec --help -h' ;;
    'containers:list'|'content:list'|'images:list'|'leases:list'|'namespaces:list'|'tasks:list'|'tasks:ps') REPLY='--format --quiet -q --help -h' ;;
    'containers:remove') REPLY='--keep-snapshot --help -h' ;;
    'content:fetch') REPLY='--all-metadata --all-platforms --hosts-dir --label --plain-http --platform --refresh --skip-verify -k --user -u --help -h' ;;
    'content:prune:references') REPLY='--async --dry --help -h' ;;
    'doctor') REPLY='--output -o --help -h' ;;
    'help') REPLY='--nested-commands -n --help -h' ;;
    'images:check') REPLY='--quiet -q --snapshotter --help -h' ;;
    'images:export') REPLY='--all-platforms --local --platform --skip-manifest-json --skip-non-distributable --help -h' ;;
    'images:import') REPLY='--all-platforms --base-name --digests --index-name --label --local --no-unpack --platform --skip-digest-for-named --snapshotter --help -h' ;;
    'images:label') REPLY='--replace-all -r --help -h' ;;
    'images:mount') REPLY='--hosts-dir --label --plain-http --platform --refresh --rw --skip-verify -k --snapshotter --user -u --help -h' ;;
    'images:prune') REPLY='--all --help -h' ;;
    'images:pull') REPLY='--all-metadata --all-platforms --hosts-dir --label --max-concurrent-downloads --plain-http --platform --print-chainid --refresh --skip-verify -k --snapshotter --user -u --help -h' ;;
    'images:push') REPLY='--allow-non-distributable-blobs --hosts-dir --manifest --manifest-type --max-concurrent-uploaded-layers --plain-http --platform --refresh --skip-verify -k --user -u --help -h' ;;
    'images:remove'|'leases:remove') REPLY='--sync --help -h' ;;
    'images:tag') REPLY='--force --help -h' ;;
    'images:unmount') REPLY='--hosts-dir --label --plain-http --refresh --rm --skip-verify -k --snapshotter --user -u --help -h' ;;
    'images:usage'|'snapshots:commit'|'snapshots:info'|'snapshots:label'|'snapshots:mounts'|'snapshots:remove'|'snapshots:tree') REPLY='--snapshotter --help -h' ;;
    'leases:create') REPLY='--expires -x --id --help -h' ;;
    'plugins:list') REPLY='--detailed -d --format --quiet -q --help -h' ;;
    'run') REPLY='--allow-new-privs --annotation --cap-add --cap-drop --cpu-period --cpu-quota --cpu-shares --cpus --cpuset-cpus --cwd --detach -d --device --env --env-file --hostname --label --log-uri --memory-limit --mount --net-host --null-io --pid-file --privileged --read-only --rlimit-nofile --rm --rootfs --rootfs-propagation --runtime --seccomp --snapshotter --tty -t --user -u --with-ns --help -h' ;;
    'snapshots:list') REPLY='--format --quiet -q --snapshotter --help -h' ;;
    'snapshots:prepare'|'snapshots:view') REPLY='--mounts --snapshotter --target -t --help -h' ;;
    'snapshots:usage') REPLY='--b -b --snapshotter --help -h' ;;
    'tasks:delete') REPLY='--exec-id --force -f --help -h' ;;
    'tasks:exec') REPLY='--cwd --detach -d --env --exec-id --tty -t --user -u --help -h' ;;
    'tasks:kill') REPLY='--all -a --exec-id --signal -s --help -h' ;;
    'tasks:metrics') REPLY='--format --help -h' ;;
    'tasks:start') REPLY='--detach -d --log-uri --null-io --pid-file --tty -t --help -h' ;;
    *) REPLY='' ;;
  esac
}
_berth_ctr_valued() {
  case $1 in
    '') REPLY='--config -c --namespace -n --root --state --timeout' ;;
    'containers:create') REPLY='--annotation --cap-add --cap-drop --cpu-period --cpu-quota --cpu-shares --cpus --cpuset-cpus --cwd --device --env --env-file --hostname --label --memory-limit --mount --rlimit-nofile --rootfs-propagation --runtime --snapshotter --user -u --with-ns' ;;
    'containers:list'|'content:list'|'images:list'|'leases:list'|'namespaces:list'|'plugins:list'|'tasks:list'|'tasks:metrics'|'tasks:ps') REPLY='--format' ;;
    'content:fetch') REPLY='--hosts-dir --label --platform --refresh --user -u' ;;
    'doctor') REPLY='--output -o' ;;
    'images:check'|'images:usage'|'snapshots:commit'|'snapshots:info'|'snapshots:label'|'snapshots:mounts'|'snapshots:remove'|'snapshots:tree'|'snapshots:usage') REPLY='--snapshotter' ;;
    'images:export') REPLY='--platform' ;;
    'images:import') REPLY='--base-name --index-name --label --platform --snapshotter' ;;
    'images:mount') REPLY='--hosts-dir --label --platform --refresh --snapshotter --user -u' ;;
    'images:pull') REPLY='--hosts-dir --label --max-concurrent-downloads --platform --refresh --snapshotter --user -u' ;;
    'images:push') REPLY='--hosts-dir --manifest --manifest-type --max-concurrent-uploaded-layers --platform --refresh --user -u' ;;
    'images:unmount') REPLY='--hosts-dir --label --refresh --snapshotter --user -u' ;;
    'leases:create') REPLY='--expires -x --id' ;;
    'run') REPLY='--annotation --cap-add --cap-drop --cpu-period --cpu-quota --cpu-shares --cpus --cpuset-cpus --cwd --device --env --env-file --hostname --label --log-uri --memory-limit --mount --pid-file --rlimit-nofile --rootfs-propagation --runtime --snapshotter --user -u --with-ns' ;;
    'snapshots:list') REPLY='--format --snapshotter' ;;
    'snapshots:prepare'|'snapshots:view') REPLY='--snapshotter --target -t' ;;
    'tasks:delete') REPLY='--exec-id' ;;
    'tasks:exec') REPLY='--cwd --env --exec-id --user -u' ;;
    'tasks:kill') REPLY='--exec-id --signal -s' ;;
    'tasks:start') REPLY='--log-uri --pid-file' ;;
    *) REPLY='' ;;
  esac
}
_berth_ctr_values() {
  case $1 in
    'containers:list --format'|'content:list --format'|'doctor --output'|'doctor -o'|'images:list --format'|'leases:list --format'|'namespaces:list --format'|'plugins:list --format'|'snapshots:list --format'|'tasks:list --format'|'tasks:metrics --format'|'tasks:ps --format') REPLY='table json' ;;
    *) REPLY='' ;;
  esac
}
_berth_ctr_args() {
  case $1 in
    'completion') REPLY='bash zsh fish' ;;
    *) REPLY='' ;;
  esac
}

_berth_ctr() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} path='' id='' w i skip=0 done=0 flag='' pre='' words REPLY
  # The globals every command takes too, but those listed in noglobals.
  local globals='--config -c --debug --namespace -n --root --state --timeout' gvalued='--config -c --namespace -n --root --state --timeout' noglobals=' help version '
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if ((skip)); then skip=0; continue; fi
    if [[ $w == -* ]]; then
      # --flag=value: three words when '=' breaks words (the default), one otherwise.
      if [[ ${COMP_WORDS[i+1]} == = ]]; then ((i += 2)); continue; fi
      [[ $w == *=* ]] && continue
      _berth_ctr_valued "$id"
      [[ -n $id && $noglobals != *" $id "* ]] && REPLY="$REPLY $gvalued"
      [[ " $REPLY " == *" $w "* ]] && skip=1
      continue
    fi
    ((done)) && continue
    _berth_ctr_words "$path"
    if [[ " $REPLY " == *" $w "* ]]; then
      path=${path:+$path }$w
      _berth_ctr_leaf "$path"
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
    _berth_ctr_values "$id $flag"
    [[ -z $REPLY && $noglobals != *" $id "* ]] && _berth_ctr_values " $flag"
    if [[ -n $REPLY ]]; then COMPREPLY=($(compgen -W "$REPLY" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
    [[ -n $pre ]] && COMPREPLY=("${COMPREPLY[@]/#/$pre}")
    return 0
  fi
  if [[ $cur == -* ]]; then
    if [[ -n $id || -z $path ]]; then _berth_ctr_flags "$id"; else REPLY='--help'; fi
    [[ -n $id && $noglobals != *" $id "* ]] && REPLY="$REPLY $globals"
    COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
    return 0
  fi
  if ((done)); then COMPREPLY=($(compgen -f -- "$cur")); return 0; fi
  _berth_ctr_words "$path"
  words=$REPLY
  if [[ -n $id ]]; then _berth_ctr_args "$id"; words="$words $REPLY"; fi
  if [[ -n ${words// /} ]]; then COMPREPLY=($(compgen -W "$words" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
  return 0
}
complete -o filenames -F _berth_ctr ctr
