/**
 * runc's hot commands without the CLI framework: `state`, `list`, `kill`, `delete`, `start`,
 * `create` and `run` in their plain forms are served from dist/fast.bundle.js, which launch.js
 * loads before (and instead of) the CLI bundle. Loading that bundle and oclif is ~12 ms of a ~30 ms
 * command; a container manager calls these once per container event, and `run`/`create` wait on
 * it while their init stage (prespawned by launch.js) is ready. Any other form (--help, --debug,
 * an unknown or repeated flag, a missing argument, --systemd-cgroup, run's --detach with --keep)
 * returns false untouched and goes through oclif, which owns help, usage errors and the rest. What
 * both paths print is compared by test/runc/fast-path.test.mjs (BERTH_FAST=off forces oclif).
 */
import { hoistGlobals } from '@berth/core/dist/cli/argv';
import { errorLine } from '@berth/core/dist/cli/error-line';
import { writeStdout } from '@berth/core/dist/cli/write-out';
import { trace } from '@berth/core/dist/util/trace';
import { GLOBALS } from './globals';
import { openLog, report } from './log';

interface CommandSpec {
  /** Switches: spelling → name. */
  switches: Record<string, string>;
  /** Flags with a value: spelling → name, with the values allowed (a RegExp: their shape). */
  valued: Record<string, { name: string; options?: readonly string[] | RegExp }>;
  /** Positional arguments: required, at most. */
  args: [number, number];
}

/** create's flags (commands/create.ts), run's too. */
const CREATE: Pick<CommandSpec, 'switches' | 'valued'> = {
  switches: { '--no-pivot': 'no-pivot', '--no-new-keyring': 'no-new-keyring' },
  valued: {
    '-b': { name: 'bundle' }, '--bundle': { name: 'bundle' }, '--console-socket': { name: 'console-socket' },
    '--pid-file': { name: 'pid-file' }, '--preserve-fds': { name: 'preserve-fds', options: /^\d{1,6}$/ },
  },
};

const COMMANDS: Record<string, CommandSpec> = {
  create: { ...CREATE, args: [1, 1] },
  run: { switches: { ...CREATE.switches, '-d': 'detach', '--detach': 'detach', '--keep': 'keep' }, valued: CREATE.valued, args: [1, 1] },
  state: { switches: {}, valued: {}, args: [1, 1] },
  start: { switches: {}, valued: {}, args: [1, 1] },
  delete: { switches: { '-f': 'force', '--force': 'force' }, valued: {}, args: [1, 1] },
  kill: { switches: { '-a': 'all', '--all': 'all' }, valued: {}, args: [1, 2] },
  list: { switches: { '-q': 'quiet', '--quiet': 'quiet' }, valued: { '-f': { name: 'format', options: ['table', 'json'] }, '--format': { name: 'format', options: ['table', 'json'] } }, args: [0, 0] },
};

/** runc's global flags with a value, as this path takes them (anything else: oclif's). */
const GLOBAL_VALUES: Record<string, readonly string[] | null> = {
  '--root': null, '--log': null, '--log-format': ['text', 'json'], '--rootless': null, '--criu': null,
};

interface Parsed {
  command: string;
  root: string;
  args: string[];
  flags: Record<string, string | true>;
}

/** The command line when it is a plain form of a hot command; undefined for oclif to take. */
function parse(argv: string[]): Parsed | undefined {
  const hoisted = hoistGlobals(argv, GLOBALS, new Set(Object.keys(COMMANDS)));
  const command = hoisted[0] ?? '';
  if (!Object.hasOwn(COMMANDS, command)) return undefined;
  const spec = COMMANDS[command] as CommandSpec;
  const flags: Record<string, string | true> = {};
  const seen = new Set<string>();
  const args: string[] = [];
  let root = '/run/berth/runc';
  for (let i = 1; i < hoisted.length; i++) {
    const a = hoisted[i] as string;
    if (!a.startsWith('-') || a === '-') { args.push(a); continue; }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const global = Object.hasOwn(GLOBAL_VALUES, name) ? GLOBAL_VALUES[name] : undefined;
    const valued = Object.hasOwn(spec.valued, name) ? spec.valued[name] : undefined;
    const sw = Object.hasOwn(spec.switches, name) ? spec.switches[name] : undefined;
    // One flag under two spellings (-f, --format) is still a repeat: oclif refuses it.
    const canonical = valued?.name ?? sw ?? name;
    if (seen.has(canonical)) return undefined;
    seen.add(canonical);
    if (global !== undefined || valued) {
      const value = eq > 0 ? a.slice(eq + 1) : hoisted[++i];
      // oclif does not take a flag for another's value (`--root -q`): its error, not ours.
      if (value === undefined || value === '' || (eq < 0 && value.startsWith('-'))) return undefined;
      const options = global ?? valued?.options;
      if (options instanceof RegExp ? !options.test(value) : options && !options.includes(value)) return undefined;
      if (name === '--root') root = value;
      if (valued) flags[valued.name] = value;
      continue;
    }
    if (!sw || eq > 0) return undefined; // --help, --debug, --systemd-cgroup, -- and the unknown
    flags[sw] = true;
  }
  if (args.length < spec.args[0] || args.length > spec.args[1]) return undefined;
  if (flags.detach && flags.keep) return undefined; // oclif's run refuses it
  return { command, root, args, flags };
}

/** create and run: the command's own calls (commands/create.ts, commands/run.ts). */
async function runContainerCommand({ command, root, args, flags }: Parsed): Promise<void> {
  const { listenFds } = require('./fds') as typeof import('./fds');
  const str = (name: string): string | undefined => (typeof flags[name] === 'string' ? flags[name] as string : undefined);
  const opts = {
    root, id: args[0] as string, bundle: str('bundle') ?? '.', pidFile: str('pid-file'), consoleSocket: str('console-socket'),
    noPivot: flags['no-pivot'] === true, noNewKeyring: flags['no-new-keyring'] === true, preserveFds: listenFds() + Number(str('preserve-fds') ?? 0),
  };
  if (command === 'create') {
    const { createContainer } = require('@berth/core/dist/runtime/create') as typeof import('@berth/core/dist/runtime/create');
    (await createContainer(opts)).child.unref();
    return;
  }
  const { runContainer } = require('@berth/core/dist/runtime/run') as typeof import('@berth/core/dist/runtime/run');
  process.exit(await runContainer({ ...opts, detach: flags.detach === true, keep: flags.keep === true }));
}

function run({ command, root, args, flags }: Parsed): void {
  const id = args[0] as string;
  if (command === 'state') {
    const { containerState } = require('@berth/core/dist/runtime/list') as typeof import('@berth/core/dist/runtime/list');
    writeStdout(`${JSON.stringify(containerState(root, id), null, 2)}\n`);
  } else if (command === 'list') {
    const { listContainers } = require('@berth/core/dist/runtime/list') as typeof import('@berth/core/dist/runtime/list');
    const { formatList } = require('./list-text') as typeof import('./list-text');
    writeStdout(formatList(listContainers(root), flags.quiet === true ? 'quiet' : flags.format === 'json' ? 'json' : 'table'));
  } else {
    const lifecycle = require('@berth/core/dist/runtime/lifecycle') as typeof import('@berth/core/dist/runtime/lifecycle');
    if (command === 'start') lifecycle.startContainer(root, id);
    else if (command === 'kill') lifecycle.killContainer(root, id, args[1] ?? 'SIGTERM', flags.all === true);
    else lifecycle.deleteContainer(root, id, flags.force === true);
  }
}

/** As RuncCommandBase.catch: one logrus line (to --log when given), the error's exit code. */
function fail(argv: string[], err: unknown): never {
  const e = err as Error & { exitCode?: number };
  report(hoistGlobals(argv, GLOBALS, new Set(Object.keys(COMMANDS))).slice(1), errorLine(e.message));
  process.exit(typeof e.exitCode === 'number' && e.exitCode > 0 ? e.exitCode : 1);
}

/**
 * Serves `argv` (the command line as given) and returns true, or returns false for oclif.
 * create and run go on asynchronously once this returns (their errors end the process here).
 */
export function fast(argv: string[]): boolean {
  const parsed = parse(argv);
  if (!parsed) return false;
  trace(`fast: ${parsed.command}`);
  openLog(argv, GLOBALS.withValue);
  if (parsed.command === 'create' || parsed.command === 'run') {
    // launch.js has spawned the init stage (prespawn.ts); this call now only starts paying the
    // cgroup moves' grace period (core/src/runtime/cgroup-join.ts), as cli.ts's does.
    const { prespawnInit } = require('@berth/core/dist/runtime/prespawn') as typeof import('@berth/core/dist/runtime/prespawn');
    prespawnInit(hoistGlobals(argv, GLOBALS, new Set(Object.keys(COMMANDS))).slice(1));
    runContainerCommand(parsed).catch((err: unknown) => fail(argv, err));
    return true;
  }
  try {
    run(parsed);
  } catch (err) {
    fail(argv, err);
  }
  return true;
}
