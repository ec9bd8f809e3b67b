/**
 * Entry of dist/prespawn.bundle.js, which launch.js runs before it reads any other bundle when the
 * command line holds `run` or `start`: the task's shim then starts (core/src/tasks/prespawn.ts)
 * ~3 ms sooner than from the fast path or cli.ts, whose own calls do nothing after this one. The
 * shim's start-up is the longest step of a `ctr run` before the container's create.
 */
import { hoistGlobals } from '@berth/core/dist/cli/argv';
import { discardEarlyShim, prespawnShim, startsTask } from '@berth/core/dist/tasks/prespawn';
import { GLOBALS } from './globals';

const TASK_STARTS: ReadonlySet<string> = new Set(['run', 'tasks:start', 't:start', 'task:start']);

export function prespawnEarly(argv: string[]): void {
  if (startsTask(hoistGlobals(argv, GLOBALS, TASK_STARTS))) prespawnShim();
  else discardEarlyShim(); // the launcher's guess from the words alone was wrong
}
