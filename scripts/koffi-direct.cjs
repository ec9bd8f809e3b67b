'use strict';
// What `require('koffi')` gives the start-up bundles (scripts/bundle.mjs koffiDirect()). koffi's
// own entry resolves its package exports (loading Node's ESM resolver) and reads the node binary's
// ELF header to pick a libc before it loads its native module: ~4-5 ms of every start of the
// init stage and of create/run. The native module of this platform, found where npm puts it
// beside the bundle, is loaded directly when it is the koffi version the bundle was built
// against; anything else goes through koffi's entry. berth uses only the native module's own
// functions (koffi's wrapper adds deprecated aliases).
const fs = require('node:fs');
const path = require('node:path');

// koffi is @berth/core's dependency: in a workspace it is hoisted above every bundle, but an
// `npm install -g` of the packages puts it under core's own directory, which a CLI's bundle reaches
// through its dependency on @berth/core.
function coreDir() {
  try {
    return path.dirname(require.resolve('@berth/core/package.json'));
  } catch {
    return undefined;
  }
}

function direct(start) {
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) return undefined;
  const rel = path.join('node_modules', '@koromix', `koffi-linux-${process.arch}`, `linux_${process.arch}`, 'koffi.node');
  for (let dir = start; ; dir = path.dirname(dir)) {
    const file = path.join(dir, rel);
    if (fs.existsSync(file)) {
      try {
        const native = require(file);
        return native.version === BERTH_KOFFI_VERSION ? native : undefined;
      } catch {
        return undefined; // another libc (musl): koffi's entry knows
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function entry(core) {
  try {
    return require('koffi');
  } catch (err) {
    if (core === undefined) throw err;
    return require(require.resolve('koffi', { paths: [core] }));
  }
}

function load() {
  const native = direct(__dirname);
  if (native) return native;
  const core = coreDir();
  return (core !== undefined && direct(core)) || entry(core);
}

module.exports = load();
