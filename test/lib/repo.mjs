// Where the repository and its launchers are, for tests and scripts alike.
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Debian's reference runtimes, used for differential tests and by the harness itself. */
export const REAL_RUNC = process.env.BERTH_TEST_REAL_RUNC || '/usr/sbin/runc';
export const REAL_CRUN = process.env.BERTH_TEST_REAL_CRUN || '/usr/bin/crun';

/** `runc` -> <repo>/bin/runc; an absolute path (e.g. /usr/sbin/runc) is used as it is. */
export function binPath(tool) {
  return isAbsolute(tool) ? tool : join(REPO_ROOT, 'bin', tool);
}

/**
 * The environment for processes the tests spawn: the test runner's own variable would make a
 * child Node think it is a test worker, and NODE_EXTRA_CA_CERTS costs ~40 ms of start-up for
 * nothing (no test makes a TLS connection). `extra` values of undefined/null remove a variable.
 */
export function childEnv(extra = {}) {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_EXTRA_CA_CERTS;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined || v === null) delete env[k];
    else env[k] = String(v);
  }
  return env;
}
