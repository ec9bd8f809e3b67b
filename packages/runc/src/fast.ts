/**
 * runc's hot commands without the CLI framework: `state`, `list`, `kill`, `delete` and `start` in
 * their plain forms (fast-forms.ts) are served from dist/fast.bundle.js, which launch.js loads
 * before (and instead of) the CLI bundle. Loading that bundle and oclif is ~12 ms of a ~30 ms
 * command, and a container manager calls these once per container event. What both paths print is
 * compared by test/runc/fast-path.test.mjs (BERTH_FAST=off forces oclif).
 */
import { outputPending, writeStdout } from '@berth/core/dist/cli/write-out';
import { trace } from '@berth/core/dist/util/trace';
import { GLOBALS } from './globals';
import { openLog } from './log';
import { fail, parse, warn, type Parsed } from './fast-forms';

const SERVED: ReadonlySet<string> = new Set(['state', 'list', 'kill', 'delete', 'start']);

function run({ command, root, args, flags }: Parsed, argv: string[]): void {
  const id = args[0] as string;
  if (command === 'state') {
    const { containerState } = require('@berth/core/dist/runtime/list') as typeof import('@berth/core/dist/runtime/list');
    writeStdout(`${JSON.stringify(containerState(root, id), null, 2)}\n`);
  } else if (command === 'list') {
    const { listContainers } = require('@berth/core/dist/runtime/list') as typeof import('@berth/core/dist/runtime/list');
    const { formatList } = require('./list-text') as typeof import('./list-text');
    writeStdout(formatList(listContainers(root, (id, reason) => process.stderr.write(`load container ${id}: ${reason}\n`)), flags.quiet === true ? 'quiet' : flags.format === 'json' ? 'json' : 'table'));
  } else {
    const lifecycle = require('@berth/core/dist/runtime/lifecycle') as typeof import('@berth/core/dist/runtime/lifecycle');
    if (command === 'start') lifecycle.startContainer(root, id);
    else if (command === 'kill') lifecycle.killContainer(root, id, args[1] ?? 'SIGTERM', flags.all === true);
    else for (const w of lifecycle.deleteContainer(root, id, flags.force === true).warnings) warn(argv, w);
  }
}

/**
 * Serves `argv` (the command line as given) and returns 'done' (launch.js exits at once) or true
 * (some output still waits for a stream: the process ends when it is written), or returns false
 * for oclif.
 */
export function fast(argv: string[]): 'done' | boolean {
  const parsed = parse(argv, SERVED);
  if (!parsed) return false;
  trace(`fast: ${parsed.command}`);
  openLog(argv, GLOBALS.withValue);
  try {
    run(parsed, argv);
  } catch (err) {
    fail(argv, err);
  }
  return outputPending() ? true : 'done';
}
