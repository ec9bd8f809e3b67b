/**
 * Entry of dist/prespawn.bundle.js, which launch.js runs before it reads any other bundle when the
 * command line holds `run`: the container's shim then starts (core/src/tasks/prespawn.ts) before
 * the fast path's or oclif's bundle is even read; their own calls do nothing after this one.
 * `start` takes the shim parked for its task at `create` (core/src/tasks/parked.ts) instead.
 */
import { hoistGlobals } from '@berth/core/dist/cli/argv';
import { prespawnShim } from '@berth/core/dist/tasks/prespawn';
import { GLOBALS } from './globals';

const STARTS: ReadonlySet<string> = new Set(['run']);

export function prespawnEarly(argv: string[]): void {
  const args = hoistGlobals(argv, GLOBALS, STARTS);
  if (STARTS.has(args[0] ?? '') && !args.includes('--help') && !args.includes('-h')) prespawnShim();
}
