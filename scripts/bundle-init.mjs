// The init stage as one file (packages/core/dist/init.bundle.js) with a V8 code cache: the init is
// the second Node start of every create/run/exec, and ~200 small module files cost more than
// one compiled file. koffi (native) stays outside. See packages/core/src/init.ts.
import * as path from 'node:path';
import { bundleCoreEntry } from './bundle-core-entry.mjs';

export async function bundleInit(root) {
  await bundleCoreEntry(root, {
    name: 'init', entry: ['runtime', 'init', 'main.js'], label: 'init stage', koffi: true,
    cacheArgs: (dist) => [path.join(dist, 'init.js')], cacheEnv: { BERTH_INIT_WRITE_CACHE: '1' },
  });
}
