# Sourced by runc's launchers (bin/runc, packages/runc/bin/runc) with $pkg set. For `run` and
# `create` the container's init stage starts here, before the CLI's own Node, so that the two Node
# start-ups run side by side (core/src/runtime/early-init.ts). Whole words only, as launch.js
# looks for them (a "run" inside an argument is no command); still a guess: the CLI kills an init
# it does not use. Not for what the plain case leaves out (core's prespawn.ts), nor without root
# (`-w /`, where id(1) would cost a fork), fds 0-2, unshare(1) or the build's init. Nothing here
# forks but the init's own `&`: each fork is a millisecond or more on a slow machine.
unset _BERTH_EARLY_INIT _BERTH_EARLY_PARENT
early_word=
for early_arg; do
  case $early_arg in
  run | create) early_word=1 ;;
  --console-socket | --console-socket=* | --preserve-fds | --preserve-fds=* | -h | --help) early_word= ; break ;;
  esac
done
# fd 9 carries stdin past sh's rule that a background command reads /dev/null, fd 8 the real
# stderr past unshare's and env's own messages (the init takes it back: _BERTH_STDERR_FD); fds
# the caller gave us are left alone (no early init then).
if [ -n "$early_word" ] && [ -z "${LISTEN_FDS-}" ] && [ -w / ] && [ -e /proc/self/fd/0 ] && [ -e /proc/self/fd/1 ] &&
  [ -e /proc/self/fd/2 ] && ! [ -e /proc/self/fd/8 ] && ! [ -e /proc/self/fd/9 ] &&
  [ -f "$pkg/../core/dist/init.bundle.js" ] && command -v unshare >/dev/null; then
  exec 9<&0
  # The caller's PATH only to find node (as the exec below does); nothing else of the
  # environment: the init's is trimmed, as a spawned one's (core's init-env.ts).
  env -i PATH="$PATH" _BERTH_EARLY_PARENT=$$ _BERTH_STDERR_FD=8 \
    ${BERTH_TRACE:+"BERTH_TRACE=$BERTH_TRACE"} ${BERTH_TRACE_FILE:+"BERTH_TRACE_FILE=$BERTH_TRACE_FILE"} \
    unshare --pid --fork node "$pkg/../core/dist/init.js" 0<&9 8>&2 2>/dev/null 9<&- &
  exec 9<&-
  _BERTH_EARLY_INIT=$!
  export _BERTH_EARLY_INIT
fi
unset early_word early_arg
