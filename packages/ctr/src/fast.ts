/**
 * ctr's hot command without the CLI framework: a plain `tasks ls` (global flags, -q) is served
 * from dist/fast.bundle.js, which launch.js loads before (and instead of) the CLI bundle; any
 * other command line returns false and goes to the CLI (commands/tasks/list-text.ts has the rules,
 * and test/ctr/tasks-fast.test.mjs compares both paths). `run` has a bundle of its own (fast-run.ts).
 */
import { hoistGlobals } from '@berth/core/dist/cli/argv';
import { outputPending } from '@berth/core/dist/cli/write-out';
import { GLOBALS } from './globals';
import { LIST_COMMAND_IDS, fastTaskList } from './commands/tasks/list-text';

/**
 * 'done' when served and its output written (launch.js exits at once), true when some output still
 * waits for a stream, false for the CLI.
 */
export function fast(argv: string[]): 'done' | boolean {
  if (!fastTaskList(hoistGlobals(argv, GLOBALS, LIST_COMMAND_IDS))) return false;
  return outputPending() ? true : 'done';
}
