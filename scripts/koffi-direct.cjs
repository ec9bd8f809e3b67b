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

function direct() {
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) return undefined;
  const rel = path.join('node_modules', '@koromix', `koffi-linux-${process.arch}`, `linux_${process.arch}`, 'koffi.node');
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
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

module.exports = direct() || require('koffi');
