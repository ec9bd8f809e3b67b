/**
 * Entry of the runc clone. runc takes its global flags before the command
 * (`runc --root /x list`); oclif wants the command first, so global flags found before the
 * command are moved behind it.
 *
 * This is the start-up path (docs/startup.md). oclif gets the command map from this module
 * (explicit discovery pointed here: no scan, no second require) and, in the bundle, the plugins
 * it would load from disk, as a snapshot taken at build time (scripts/oclif-snapshot.mjs).
 * The oclif wiring below is the same in runc's, ctr's and crictl's cli.ts.
 */
import * as path from 'node:path';
import type { Command, Interfaces, Plugin } from '@oclif/core';
import { COMMANDS } from './commands';
import { formatError } from './log';

export { COMMANDS };

/** JSON of oclif's plugins as loaded at build time; defined only inside the bundle. */
declare const BERTH_OCLIF_SNAPSHOT: string | undefined;

type PluginSnapshot = Pick<Plugin, 'name' | 'alias' | 'version' | 'type' | 'isRoot' | 'valid' | 'moduleType' | 'hooks' | 'commandIDs' | 'hasManifest'>
  & { pjson?: Interfaces.PJSON; commands: Command.Cached[] };

const GLOBAL_WITH_VALUE = new Set(['--root', '--log', '--log-format', '--rootless', '--criu']);
const GLOBAL_BOOL = new Set(['--debug', '--systemd-cgroup']);
/** The runtime-spec version core/src/oci/types.ts follows. */
const SPEC_VERSION = '1.2.0';

export function hoistGlobals(argv: string[]): string[] {
  const globals: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i].startsWith('-')) {
    const a = argv[i];
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (GLOBAL_WITH_VALUE.has(name)) {
      if (a.includes('=')) { globals.push(a); i += 1; } else { globals.push(a, argv[i + 1] ?? ''); i += 2; }
    } else if (GLOBAL_BOOL.has(name)) {
      globals.push(a); i += 1;
    } else break; // --help, --version, -h, -v: leave for oclif
  }
  const rest = argv.slice(i);
  if (rest.length === 0) return globals.length ? ['--help'] : [];
  const [cmd, ...args] = rest;
  if (cmd.startsWith('-')) return rest;
  // Global flags go right after the command (before `--` and positional args is fine for oclif).
  return [cmd, ...globals, ...args];
}

/** oclif's logger writes through `debug`, silent unless DEBUG is set: then skip loading it. */
function silentLogger(namespace: string): Interfaces.Logger {
  const none = (): void => undefined;
  return { namespace, debug: none, error: none, info: none, trace: none, warn: none, child: (ns) => silentLogger(`${namespace}:${ns}`) };
}

/** The snapshot's plugins, bound to this install's root; their commands load as oclif would. */
function snapshotPlugins(json: string, root: string, pjson: Interfaces.PJSON): Map<string, Plugin> {
  const { Plugin: PluginClass } = require('@oclif/core') as typeof import('@oclif/core');
  const plugins = new Map<string, Plugin>();
  for (const { commands: cached, pjson: own, ...fields } of JSON.parse(json) as PluginSnapshot[]) {
    const p = Object.assign(new PluginClass({ root, name: fields.name, type: fields.type, isRoot: fields.isRoot }), fields);
    p.root = root;
    p.pjson = own ?? pjson;
    p.commands = cached.map((c) => ({ ...c, load: () => loadCommand(p, c.id) }));
    plugins.set(p.name, p);
  }
  return plugins;
}

/** Commands of the plugins the snapshot may hold (scripts/bundle.mjs checks that it holds no other). */
function pluginCommands(p: Plugin): Record<string, Command.Class> {
  if (p.isRoot) return COMMANDS;
  // plugin-help is ESM: bundled here, because import() is not available to the code-cached bundle.
  if (p.name === '@oclif/plugin-help') return (require('@oclif/plugin-help') as { commands: Record<string, Command.Class> }).commands;
  throw new Error(`oclif plugin ${p.name} is not in the bundle (add it to cli.ts and scripts/bundle.mjs)`);
}

async function loadCommand(p: Plugin, id: string): Promise<Command.Class> {
  const commands = pluginCommands(p);
  if (!Object.hasOwn(commands, id)) throw new Error(`command ${id} not found in plugin ${p.name}`);
  const cmd = commands[id];
  // What oclif's Plugin.findCommand sets on a command class it loads.
  cmd.id = id;
  cmd.plugin = p;
  return cmd;
}

/** Options for oclif's run(): package.json as bundled, commands from this module, no user plugins. */
function oclifOptions(root: string, pjson: Interfaces.PJSON): Interfaces.LoadOptions {
  const logger = process.env.DEBUG ? undefined : silentLogger('oclif');
  if (typeof BERTH_OCLIF_SNAPSHOT === 'string') return { root, plugins: snapshotPlugins(BERTH_OCLIF_SNAPSHOT, root, pjson), logger };
  const target = `./${path.relative(root, __filename).split(path.sep).join('/')}`;
  const oclif = { ...pjson.oclif, commands: { strategy: 'explicit' as const, target, identifier: 'COMMANDS' } };
  return { root, pjson: { ...pjson, oclif }, userPlugins: false, logger };
}

export async function main(argv: string[], pkgRoot: string): Promise<void> {
  const pjson = require('../package.json') as Interfaces.PJSON;
  const args = hoistGlobals(argv);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
    // runc prints its own version block; berth's version stands in for runc's.
    process.stdout.write(`runc version ${pjson.version}\nspec: ${SPEC_VERSION}\nberth: ${pjson.version}\n`);
    return;
  }
  const { run, flush, handle, settings } = require('@oclif/core') as typeof import('@oclif/core');
  // Never look for tsconfig/ts-node (NODE_ENV=development|test would): dist is what runs.
  settings.enableAutoTranspile = false;
  try {
    await run(args, oclifOptions(path.resolve(pkgRoot), pjson));
    await flush();
  } catch (err) {
    const unknown = /^command (\S+) not found/.exec((err as Error).message);
    if (unknown) {
      // As runc (urfave/cli): one error line, exit status 3.
      process.stderr.write(formatError(`No help topic for '${unknown[1]}'`, 'text'));
      process.exit(3);
    }
    await handle(err as Error);
  }
}
