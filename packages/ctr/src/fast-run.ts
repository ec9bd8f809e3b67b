/** Entry of dist/fast-run.bundle.js: `ctr run` without the CLI framework (run-fast.ts). */
import { hoistGlobals } from '@berth/core/dist/cli/argv';
import { GLOBALS } from './globals';
import { fastRun } from './run-fast';

export function fast(argv: string[]): boolean {
  return fastRun(hoistGlobals(argv, GLOBALS, new Set(['run'])));
}
