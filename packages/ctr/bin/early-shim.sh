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
# Served only in the plain form run-fast.ts serves (scripts/bundle.mjs checks these lists against
# it): up to the image, the global flags and run's few, -d among them and -t not. Any other form
# goes straight to the CLI, without a shim started for nothing.
early_run=
early_detach=
early_value=
for early_arg; do
  if [ -n "$early_value" ]; then early_value= ; continue; fi
  case $early_arg in
  -d | --detach) early_detach=1 ;;
  --rm | --null-io) ;;
  --snapshotter | --log-uri | --pid-file | -n | --namespace | --root | --state | --config | -c | --address) early_value=1 ;;
  -*=*)
    case ${early_arg%%=*} in
    --snapshotter | --log-uri | --pid-file | -n | --namespace | --root | --state | --config | -c | --address) ;;
    *) early_run= ; break ;;
    esac ;;
  run) if [ -n "$early_run" ]; then break; fi; early_run=1 ;;
  -*) early_run= ; break ;;
  *) break ;;
  esac
done
# A plain `run -d` needs no CLI process: the task's shim does its work and stays (core's
# tasks/shim/serve-run.ts). It prints "serving " once it has taken the command, then "0" or "1"
# (the status; its error went to our stderr) once the task runs or the run failed; or "cli" (not
# a plain form, nothing done), as does an empty answer (it could not start): the CLI runs it. One
# that died while serving is a failure: run again, it would find half of its own work. The `&`
# inside the command substitution: its shell exits at once, the substitution ends at the EOF.
# No setsid(1) here: the shim makes its session itself. Neither shim keeps the caller's fds 3-9
# (a lock file held by `exec 9>lock`, for the container's life); higher ones sh cannot name.
if [ -n "$early_word" ] && [ -n "$early_run" ] && [ -n "$early_detach" ] && [ "${BERTH_FAST:-}" != off ] && [ -w / ] \
  && [ -f "$pkg/../core/dist/shim.bundle.js" ] && [ -f "$pkg/dist/fast-run.bundle.js" ]; then
  early_verdict=$(env -i PATH="$PATH" UV_THREADPOOL_SIZE=1 MALLOC_ARENA_MAX=1 \
    ${CONTAINERD_NAMESPACE+"CONTAINERD_NAMESPACE=$CONTAINERD_NAMESPACE"} ${CONTAINERD_SNAPSHOTTER+"CONTAINERD_SNAPSHOTTER=$CONTAINERD_SNAPSHOTTER"} \
    ${CONTAINERD_ADDRESS+"CONTAINERD_ADDRESS=$CONTAINERD_ADDRESS"} ${BERTH_ROOT+"BERTH_ROOT=$BERTH_ROOT"} \
    ${BERTH_STATE+"BERTH_STATE=$BERTH_STATE"} ${BERTH_CONFIG+"BERTH_CONFIG=$BERTH_CONFIG"} ${BERTH_CODE_CACHE+"BERTH_CODE_CACHE=$BERTH_CODE_CACHE"} \
    ${BERTH_TRACE:+"BERTH_TRACE=$BERTH_TRACE"} ${BERTH_TRACE_FILE:+"BERTH_TRACE_FILE=$BERTH_TRACE_FILE"} \
    node --v8-pool-size=1 "$pkg/../core/dist/tasks/shim/entry.js" --serve-run "$pkg/dist" "$@" </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &)
  case $early_verdict in
  "serving 0") exit 0 ;;
  "serving 1") exit 1 ;;
  serving*) echo "ctr: the shim serving this run exited before the task was started" >&2; exit 1 ;;
  esac
fi
if [ -n "$early_word" ] && [ -w / ] && [ -f "$pkg/../core/dist/shim.bundle.js" ] && command -v setsid >/dev/null; then
  # As a spawned shim's (core's tasks/prespawn.ts): an emptied environment (the caller's PATH
  # only to find node), fds 0-2 on /dev/null, a session of its own (setsid execs in place: a
  # background command of sh leads no group, so the shim stays our child).
  env -i PATH="$PATH" UV_THREADPOOL_SIZE=1 MALLOC_ARENA_MAX=1 _BERTH_EARLY_PARENT=$$ \
    ${BERTH_TRACE:+"BERTH_TRACE=$BERTH_TRACE"} ${BERTH_TRACE_FILE:+"BERTH_TRACE_FILE=$BERTH_TRACE_FILE"} \
    setsid node --v8-pool-size=1 "$pkg/../core/dist/tasks/shim/entry.js" --prespawned </dev/null >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  _BERTH_EARLY_SHIM=$!
  export _BERTH_EARLY_SHIM
fi
unset early_word early_arg early_run early_detach early_value early_verdict
