#!/usr/bin/env bash
# berth's test entry (`npm test`). On a fresh Debian 12 machine, as root, from a fresh clone:
# installs the Debian packages the end-to-end tests drive, installs npm dependencies when
# missing or stale, builds, then runs every test file with node's test runner, whose summary
# is the last thing printed and whose status is ours.
#
#   scripts/test.sh                 all of packages/*/test/**/*.test.mjs and test/**/*.test.mjs
#   scripts/test.sh FILE...         only these test files
#
# Env: BERTH_TEST_TIMEOUT (ms per test, default 600000), BERTH_TEST_LOG_DIR (setup logs,
# default tmp/test-logs).
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
exec node --test --test-concurrency=1 --test-reporter=spec \
  --test-timeout="${BERTH_TEST_TIMEOUT:-600000}" "${files[@]}"
