// One temp root per test process (os.tmpdir()/berth-test-XXXXXX); everything a test makes on
// disk lives under it, so cleanup can find every mount and file by path.
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let root = null;

export function tempRoot() {
  if (root === null) {
    root = mkdtempSync(join(tmpdir(), 'berth-test-'));
    // 0755, not mkdtemp's 0700: a container in a user namespace must reach its rootfs.
    chmodSync(root, 0o755);
  }
  return root;
}

/** Has the temp root been created yet (cleanup must not create it just to remove it). */
export function tempRootIfMade() {
  return root;
}

/** A fresh directory under the temp root, e.g. tempDir('bundle') -> <root>/bundle-AbC123. */
export function tempDir(label = 'dir') {
  const dir = mkdtempSync(join(tempRoot(), `${label}-`));
  chmodSync(dir, 0o755);
  return dir;
}
