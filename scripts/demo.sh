#!/usr/bin/env bash
# `npm start`: set up (Debian packages, npm dependencies, build) and run the guided demo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
exec node scripts/demo.mjs "$@"
