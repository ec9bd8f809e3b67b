// The e2e test harness in one import: `import { makeBusyboxBundle, runBin, ... } from '../lib/index.mjs'`.
export { REPO_ROOT, REAL_RUNC, REAL_CRUN, binPath, childEnv } from './repo.mjs';
export { tempRoot, tempDir } from './tempdir.mjs';
export { BUSYBOX, baseSpec, deepMerge, makeBusyboxBundle, pristineRootfs } from './bundle.mjs';
export { parseJson, runBin } from './run.mjs';
export {
  ID_PREFIX, cleanupAll, registerCleanup, removeTree, trackCgroup, trackContainer, trackMount,
  trackPid, trackTempDir, uniqueId, untrackContainer,
} from './cleanup.mjs';
export { assertNoLeaks, findLeaks } from './leaks.mjs';
