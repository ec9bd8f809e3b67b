/** Entry of the ctr clone: the oclif wiring shared by the three CLIs (core/src/cli/oclif-main.ts). */
import { trace } from '@berth/core/dist/util/trace';
import { commandIds, runOclif } from '@berth/core/dist/cli/oclif-main';
import { hoistGlobals } from '@berth/core/dist/cli/argv';
import { COMMANDS } from './commands';
import { GLOBALS, reportError } from './globals';

export { COMMANDS };

/**
 * The first word of `words` that names neither a command nor a topic (a prefix of one), looking
 * no further once the words name a command (the rest are its arguments); undefined if none.
 */
function unknownWord(words: string[], ids: ReadonlySet<string>): string | undefined {
  const topics = new Set([...ids].flatMap((id) => id.split(':').slice(0, -1).map((_, i, w) => w.slice(0, i + 1).join(':'))));
  for (let k = 1; k <= words.length; k++) {
    const prefix = words.slice(0, k).join(':');
    if (!ids.has(prefix) && !topics.has(prefix)) return words[k - 1];
    if (ids.has(prefix) && !topics.has(prefix)) return undefined;
  }
  return undefined;
}

/** As containerd's ctr (urfave/cli) for an unknown command or subcommand: one line, exit status 3. */
function noHelpTopic(word: string): never {
  process.stderr.write(`No help topic for '${word}'\n`);
  process.exit(3);
}

/**
 * The command words of hoisted args, past the global flags hoisting put behind a topic
 * (`ctr --root r snapshots frob` becomes `snapshots --root r frob`, which oclif takes for a
 * request of the topic's help).
 */
function commandWords(args: string[]): string[] {
  const withValue = new Set(GLOBALS.withValue);
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (withValue.has(name)) { if (!a.includes('=')) i++; continue; }
    if (GLOBALS.switches.includes(name)) continue;
    if (a.startsWith('-')) break;
    words.push(a);
  }
  return words;
}

/**
 * ctr's `snapshots` command takes `--snapshotter` itself, before its subcommand
 * (`ctr snapshots --snapshotter native ls`); berth's subcommands each take it. Moved behind the
 * subcommand, with the global flags hoisting put there too.
 */
function topicFlagsAfterSubcommand(args: string[]): string[] {
  if (args[0] !== 'snapshots' && args[0] !== 'snapshot') return args;
  const withValue = new Set([...GLOBALS.withValue, '--snapshotter']);
  let i = 1;
  let moved = false;
  while (i < args.length && (args[i] as string).startsWith('-')) {
    const a = args[i] as string;
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (name === '--snapshotter') moved = true;
    else if (!withValue.has(name) && !GLOBALS.switches.includes(name)) return args;
    i += withValue.has(name) && !a.includes('=') ? 2 : 1;
  }
  if (!moved || i >= args.length) return args;
  return [args[0] as string, args[i] as string, ...args.slice(1, i), ...args.slice(i + 1)];
}

export async function main(argv: string[], pkgRoot: string): Promise<void> {
  trace('ctr: main');
  const ids = commandIds(COMMANDS);
  const args = topicFlagsAfterSubcommand(hoistGlobals(argv, GLOBALS, ids));
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
    // urfave/cli's version flag, as ctr prints it ("ctr <package> <version>"): berth's stands in.
    process.stdout.write(`ctr berth ${(require('../package.json') as { version: string }).version}\n`);
    return;
  }
  const unknown = args[0] === 'help' ? undefined : unknownWord(commandWords(args), ids);
  if (unknown !== undefined) noHelpTopic(unknown);
  // A task's shim starts now, in parallel with oclif and the container's creation.
  const shims = require('@berth/core/dist/tasks/prespawn') as typeof import('@berth/core/dist/tasks/prespawn');
  if (shims.startsTask(args)) { shims.prespawnShim(); trace('ctr: shim prespawned'); }
  else if ((require('./commands/tasks/list-text') as typeof import('./commands/tasks/list-text')).fastTaskList(args)) return;
  await runOclif(args, pkgRoot, {
    commands: COMMANDS, cliFile: __filename, pjson: require('../package.json'),
    report: reportError,
    onError: (err) => {
      // What the check above let through (oclif's own id matching): the same answer.
      const id = /^command (\S+) not found/.exec(err.message)?.[1];
      if (id === undefined) return false;
      noHelpTopic(unknownWord(id.split(':'), ids) ?? id.split(':').pop() ?? id);
    },
  });
}
