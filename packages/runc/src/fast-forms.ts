/**
 * The plain forms of runc's hot commands, which dist/fast.bundle.js (fast.ts: state, list, kill,
 * delete, start) and dist/fast-create.bundle.js (fast-create.ts: create, run) serve without the
 * CLI framework; any other form (--help, --debug, an unknown or repeated flag, a missing argument,
 * --systemd-cgroup, run's --detach with --keep) is left to oclif. Two bundles, so that the
 * read-only commands do not read and compile create's code (~100 KiB).
 */
import { hoistGlobals } from '@berth/core/dist/cli/argv';
import { errorLine } from '@berth/core/dist/cli/error-line';
import { setOutputErrorReporter } from '@berth/core/dist/cli/output-errors';
import { parsePlainForm, type PlainFormSpec } from '@berth/core/dist/cli/plain-form';
import { GLOBALS } from './globals';
import { report } from './log';

/** runc's global flags with a value, as this path takes them (anything else: oclif's). */
const GLOBAL_VALUES: PlainFormSpec['valued'] = {
  '--root': { name: 'root' }, '--log': { name: 'log' }, '--log-format': { name: 'log-format', options: ['text', 'json'] },
  '--rootless': { name: 'rootless' }, '--criu': { name: 'criu' },
};

/** create's flags (commands/create.ts), run's too. */
const CREATE_SWITCHES = { '--no-pivot': 'no-pivot', '--no-new-keyring': 'no-new-keyring' };
const CREATE_VALUED: PlainFormSpec['valued'] = {
  ...GLOBAL_VALUES, '-b': { name: 'bundle' }, '--bundle': { name: 'bundle' }, '--console-socket': { name: 'console-socket' },
  '--pid-file': { name: 'pid-file' }, '--preserve-fds': { name: 'preserve-fds', options: /^\d{1,6}$/ },
};

/** Each command's flags and its positional arguments: required, at most. */
const COMMANDS: Record<string, PlainFormSpec & { args: [number, number] }> = {
  create: { switches: CREATE_SWITCHES, valued: CREATE_VALUED, args: [1, 1] },
  run: { switches: { ...CREATE_SWITCHES, '-d': 'detach', '--detach': 'detach', '--keep': 'keep' }, valued: CREATE_VALUED, args: [1, 1] },
  state: { valued: GLOBAL_VALUES, args: [1, 1] },
  start: { valued: GLOBAL_VALUES, args: [1, 1] },
  delete: { switches: { '-f': 'force', '--force': 'force' }, valued: GLOBAL_VALUES, args: [1, 1] },
  kill: { switches: { '-a': 'all', '--all': 'all' }, valued: GLOBAL_VALUES, args: [1, 2] },
  list: {
    switches: { '-q': 'quiet', '--quiet': 'quiet' },
    valued: { ...GLOBAL_VALUES, '-f': { name: 'format', options: ['table', 'json'] }, '--format': { name: 'format', options: ['table', 'json'] } },
    args: [0, 0],
  },
};
const COMMAND_WORDS: ReadonlySet<string> = new Set(Object.keys(COMMANDS));

export interface Parsed {
  command: string;
  root: string;
  args: string[];
  flags: Record<string, string | true>;
}

/** The command line's arguments with runc's global flags behind the command word. */
export function hoisted(argv: string[]): string[] {
  return hoistGlobals(argv, GLOBALS, COMMAND_WORDS);
}

/** The command line when it is a plain form of one of `served`; undefined for oclif to take. */
export function parse(argv: string[], served: ReadonlySet<string>): Parsed | undefined {
  const args = hoisted(argv);
  const command = args[0] ?? '';
  if (!served.has(command)) return undefined;
  const spec = COMMANDS[command] as PlainFormSpec & { args: [number, number] };
  const form = parsePlainForm(args, 1, { ...spec, loneDash: 'argument' });
  if (!form || form.positionals.length < spec.args[0] || form.positionals.length > spec.args[1]) return undefined;
  const { flags } = form;
  if (flags.detach && flags.keep) return undefined; // oclif's run refuses it
  // A failed write to stdout: reported at exit in runc's words (core cli/output-errors.ts).
  setOutputErrorReporter((message) => report(args.slice(1), message));
  return { command, root: typeof flags.root === 'string' ? flags.root : '/run/berth/runc', args: form.positionals, flags };
}

/** A warning as runc logs it (a failed poststop hook at delete). */
export function warn(argv: string[], message: string): void {
  report(hoisted(argv).slice(1), message, 'warning');
}

/** As RuncCommandBase.catch: one logrus line (to --log when given), the error's exit code. */
export function fail(argv: string[], err: unknown): never {
  const e = err as Error & { exitCode?: number };
  report(hoisted(argv).slice(1), errorLine(e.message));
  process.exit(typeof e.exitCode === 'number' && e.exitCode > 0 ? e.exitCode : 1);
}
