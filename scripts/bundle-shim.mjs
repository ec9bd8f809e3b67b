// The shim as one file (packages/core/dist/shim.bundle.js) with a V8 code cache, like the init
// stage's bundle: one compiled file instead of ~100 small modules is less memory in every
// running shim and a faster start. koffi (native) stays outside. See packages/core/src/tasks/shim.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { bundleCoreEntry } from './bundle-core-entry.mjs';

export async function bundleShim(root) {
  await bundleCoreEntry(root, {
    name: 'shim', entry: ['tasks', 'shim', 'main.js'], label: 'shim', koffi: true,
    // Every shim keeps the bundle's source in memory: the image and registry code (~300 KiB) came
    // in once through a CRI import chain (shim-cri-log -> ... -> cri/containers -> cri/images).
    forbid: ['images', 'services', 'smol-toml'],
    // Under the shim's own V8 flags: V8 refuses a code cache made under other flags.
    cacheArgs: (dist) => {
      const { SHIM_NODE_FLAGS } = createRequire(import.meta.url)(path.join(dist, 'tasks', 'prespawn.js'));
      return [...SHIM_NODE_FLAGS, path.join(dist, 'tasks', 'shim', 'entry.js')];
    },
    cacheEnv: { BERTH_SHIM_WRITE_CACHE: '1' },
  });
}
