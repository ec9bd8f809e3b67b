/** Entry of dist/fast-run.bundle.js: `ctr run` without the CLI framework (run-fast.ts). */
import { hoistGlobals } from '@berth/core/dist/cli/argv';
import { GLOBALS } from './globals';
import { fastRun, servedRun } from './run-fast';

export function fast(argv: string[]): boolean {
  return fastRun(hoistGlobals(argv, GLOBALS, new Set(['run'])));
}

/** A plain `run -d` served by the task's shim itself (core's tasks/shim/serve-run.ts calls this). */
export function served(argv: string[], errFd: number, serving: () => void): Promise<number | 'cli'> {
  return servedRun(hoistGlobals(argv, GLOBALS, new Set(['run'])), errFd, serving);
}
