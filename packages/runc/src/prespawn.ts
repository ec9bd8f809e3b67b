/**
 * Entry of dist/prespawn.bundle.js, which launch.js runs before it loads the CLI bundle when the
 * command line holds `run` or `create`: the init stage's Node start-up then overlaps with the
 * loading of the bundle and oclif's parsing (core/src/runtime/prespawn.ts; cli.ts's own call
 * does nothing after this one).
 */
import { hoistGlobals } from '@berth/core/dist/cli/argv';
import { prespawnInit } from '@berth/core/dist/runtime/prespawn';
import { primeCgroupAttach } from '@berth/core/dist/runtime/cgroup-join';
import { discardEarlyInit, takeEarlyInit } from '@berth/core/dist/runtime/early-init';
import { GLOBALS } from './globals';

const CONTAINER_COMMANDS = new Set(['run', 'create']);

export function prespawnEarly(argv: string[]): void {
  const args = hoistGlobals(argv, GLOBALS, CONTAINER_COMMANDS);
  if (!CONTAINER_COMMANDS.has(args[0] ?? '')) {
    // The launcher's guess (a word "run" or "create" somewhere) was wrong: its early init goes.
    const early = takeEarlyInit();
    if (early !== undefined) discardEarlyInit(early);
    return;
  }
  // The cgroup lock's grace period first (cgroup-join.ts): paid from here it is over before
  // create's mkdirs, which wait for it when it is still running (a prime made later, when the CLI
  // starts, ended ~10 ms into create: its cgroup took 10 ms instead of 1).
  primeCgroupAttach();
  prespawnInit(args.slice(1), false);
}
