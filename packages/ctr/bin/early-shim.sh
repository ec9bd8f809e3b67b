# Sourced by ctr's launchers (bin/ctr, packages/ctr/bin/ctr) with $pkg set. For `run` and `tasks
# start` the task's shim starts here, before the CLI's own Node, so that the two Node start-ups
# run side by side (core/src/tasks/shim/early.ts, core/src/runtime/early-init.ts). Whole words
# only, as launch.js looks for them; still a guess: the CLI kills a shim it does not use. Not
# without root (`-w /`, where id(1) would cost a fork), setsid(1) or the build's shim. Nothing
# here forks but the shim's own `&`.
unset _BERTH_EARLY_SHIM _BERTH_EARLY_PARENT
early_word=
for early_arg; do
  case $early_arg in
  run | start) early_word=1 ;;
  -h | --help) early_word= ; break ;;
  esac
done
if [ -n "$early_word" ] && [ -w / ] && [ -f "$pkg/../core/dist/shim.bundle.js" ] && command -v setsid >/dev/null; then
  # As a spawned shim's (core's tasks/prespawn.ts): an emptied environment (the caller's PATH
  # only to find node), fds 0-2 on /dev/null, a session of its own (setsid execs in place: a
  # background command of sh leads no group, so the shim stays our child).
  env -i PATH="$PATH" UV_THREADPOOL_SIZE=1 MALLOC_ARENA_MAX=1 _BERTH_EARLY_PARENT=$$ \
    ${BERTH_TRACE:+"BERTH_TRACE=$BERTH_TRACE"} ${BERTH_TRACE_FILE:+"BERTH_TRACE_FILE=$BERTH_TRACE_FILE"} \
    setsid node --v8-pool-size=1 "$pkg/../core/dist/tasks/shim/entry.js" --prespawned </dev/null >/dev/null 2>&1 &
  _BERTH_EARLY_SHIM=$!
  export _BERTH_EARLY_SHIM
fi
unset early_word early_arg
