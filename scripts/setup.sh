#!/usr/bin/env bash
# Shared set-up of `npm test` and `npm start` on a fresh Debian 12 machine, as root: installs the
# Debian packages berth drives (when missing), npm dependencies (when missing or stale), and
# builds. Sourced by scripts/test.sh and scripts/demo.sh; the caller has cd'ed to the repo root.
# Env: BERTH_TEST_LOG_DIR (where set-up logs go).

LOG_DIR="${BERTH_TEST_LOG_DIR:-$PWD/tmp/test-logs}"  # tmp/ is git-ignored
mkdir -p "$LOG_DIR"

say() { printf 'test.sh: %s\n' "$*"; }

# Run a step with its output in $LOG_DIR/<name>.log; on failure show the log's tail and stop.
run_logged() {
  local name=$1
  shift
  if ! "$@" >"$LOG_DIR/$name.log" 2>&1; then
    say "$name failed ($*); last lines of $LOG_DIR/$name.log:"
    tail -n 60 "$LOG_DIR/$name.log"
    exit 1
  fi
}

# --- Debian packages -------------------------------------------------------------------
DEB_PACKAGES=(runc crun busybox-static skopeo docker-registry containerd libseccomp2 iproute2 util-linux procps apache2-utils zstd containernetworking-plugins zsh fish)
missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q ' ok installed'; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]} > 0)); then
  if [[ $EUID -ne 0 ]]; then
    say "missing Debian packages: ${missing[*]} (run as root to install them)"
    exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  # Tests start their own registry/containerd: keep the packages' services from starting.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  run_logged apt-update apt-get update
  run_logged apt-install env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -o DPkg::Lock::Timeout=300 "${missing[@]}"
  if [[ -n "$(trap -p EXIT)" ]]; then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
fi

# --- npm dependencies ------------------------------------------------------------------
# node_modules is current when it was installed from this package-lock.json: the lock's hash is
# stamped after each install (a package.json edit that changes no dependency, such as a bin
# entry, must not reinstall everything).
DEPS_STAMP=node_modules/.berth-deps-stamp
lock_hash() { sha256sum package-lock.json | cut -d' ' -f1; }
deps_stale() {
  [[ -f node_modules/.package-lock.json && -f "$DEPS_STAMP" ]] || return 0
  [[ "$(cat "$DEPS_STAMP")" != "$(lock_hash)" ]]
}
install_deps() {
  deps_stale || return 0
  if [[ -f package-lock.json ]]; then
    say "installing npm dependencies (npm ci)"
    run_logged npm-install npm ci --no-audit --no-fund
    lock_hash >"$DEPS_STAMP"
  else
    say "installing npm dependencies (npm install)"
    run_logged npm-install npm install --no-audit --no-fund
  fi
}
# One install at a time per checkout (npm ci removes node_modules first: a second one running
# beside it, or a test run, would see it half gone); staleness is re-checked under the lock.
exec {deps_lock}>"$LOG_DIR/.npm-install.lock"
flock "$deps_lock"
install_deps
flock -u "$deps_lock"

# --- build -----------------------------------------------------------------------------
if [[ -f scripts/build.mjs ]]; then
  run_logged build npm run build --silent
else
  say "warning: scripts/build.mjs not found; skipping the build"
fi

