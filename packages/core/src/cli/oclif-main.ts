/**
 * The oclif wiring shared by runc's, ctr's and crictl's entry (their src/cli.ts). This is the
 * start-up path (docs/startup.md): oclif gets the command map from the CLI's own cli module
 * (explicit discovery pointed there: no scan, no second require) and, in the bundle, the plugins
 * it would load from disk, as a snapshot taken at build time (scripts/oclif-snapshot.mjs).
 */
import * as path from 'node:path';
import type { Command, Interfaces, Plugin } from '@oclif/core';
import { commandIdsOf } from './argv';

export interface CliEntry {
  /** The CLI's COMMANDS map (explicit discovery). */
  commands: Record<string, Command.Class>;
  /** The CLI's compiled cli.js, which exports COMMANDS (oclif's discovery target). */
  cliFile: string;
  /** The CLI's package.json. */
  pjson: Interfaces.PJSON;
  /** Handles an error before oclif does; returns true when it did (e.g. runc's unknown command). */
  onError?: (err: Error) => boolean;
  /** Prints an error line in the CLI's words (a failed write to stdout, reported at exit); only prints. */
  report: (message: string) => void;
}

/** JSON of oclif's plugins as loaded at build time; defined only inside the bundle. */
declare const BERTH_OCLIF_SNAPSHOT: string | undefined;

type PluginSnapshot = Pick<Plugin, 'name' | 'alias' | 'version' | 'type' | 'isRoot' | 'valid' | 'moduleType' | 'hooks' | 'commandIDs' | 'hasManifest'>
  & { pjson?: Interfaces.PJSON; commands: Command.Cached[] };

/** oclif's logger writes through `debug`, silent unless DEBUG is set: then skip loading it. */
function silentLogger(namespace: string): Interfaces.Logger {
  const none = (): void => undefined;
  return { namespace, debug: none, error: none, info: none, trace: none, warn: none, child: (ns) => silentLogger(`${namespace}:${ns}`) };
}

let parsed: PluginSnapshot[] | undefined;

/** The bundle's snapshot, parsed once (the command ids are asked for before oclif runs). */
function snapshot(): PluginSnapshot[] | undefined {
  if (typeof BERTH_OCLIF_SNAPSHOT !== 'string') return undefined;
  return (parsed ??= JSON.parse(BERTH_OCLIF_SNAPSHOT) as PluginSnapshot[]);
}

/**
 * Every id and alias of the CLI's own commands: from the bundle's snapshot, which reads no command
 * module (COMMANDS loads each on access: core/src/cli/lazy-commands.ts); else from the classes.
 */
export function commandIds(commands: Record<string, Command.Class>): Set<string> {
  const root = snapshot()?.find((p) => p.isRoot);
  if (!root) return commandIdsOf(commands);
  return new Set(root.commands.flatMap((c) => [c.id, ...(c.aliases ?? [])]));
}

/** The snapshot's plugins, bound to this install's root; their commands load as oclif would. */
function snapshotPlugins(snap: PluginSnapshot[], root: string, pjson: Interfaces.PJSON, commands: Record<string, Command.Class>): Map<string, Plugin> {
  const { Plugin: PluginClass } = require('@oclif/core') as typeof import('@oclif/core');
  const plugins = new Map<string, Plugin>();
  for (const { commands: cached, pjson: own, ...fields } of snap) {
    const p = Object.assign(new PluginClass({ root, name: fields.name, type: fields.type, isRoot: fields.isRoot }), fields);
    p.root = root;
    p.pjson = own ?? pjson;
    p.commands = cached.map((c) => ({ ...c, load: () => loadCommand(p, c.id, commands) }));
    plugins.set(p.name, p);
  }
  return plugins;
}

/** Commands of the plugins the snapshot may hold (scripts/bundle.mjs checks that it holds no other). */
function pluginCommands(p: Plugin, commands: Record<string, Command.Class>): Record<string, Command.Class> {
  if (p.isRoot) return commands;
  // plugin-help is ESM: bundled here, because import() is not available to the code-cached bundle.
  if (p.name === '@oclif/plugin-help') return (require('@oclif/plugin-help') as { commands: Record<string, Command.Class> }).commands;
  throw new Error(`oclif plugin ${p.name} is not in the bundle (add it to cli.ts and scripts/bundle.mjs)`);
}

async function loadCommand(p: Plugin, id: string, all: Record<string, Command.Class>): Promise<Command.Class> {
  const commands = pluginCommands(p, all);
  if (!Object.hasOwn(commands, id)) throw new Error(`command ${id} not found in plugin ${p.name}`);
  const cmd = commands[id];
  // What oclif's Plugin.findCommand sets on a command class it loads.
  cmd.id = id;
  cmd.plugin = p;
  return cmd;
}

/** Options for oclif's run(): package.json as bundled, commands from this module, no user plugins. */
function oclifOptions(root: string, entry: CliEntry): Interfaces.LoadOptions {
  const { pjson, commands } = entry;
  const logger = process.env.DEBUG ? undefined : silentLogger('oclif');
  const snap = snapshot();
  if (snap) return { root, plugins: snapshotPlugins(snap, root, pjson, commands), logger };
  const target = `./${path.relative(root, entry.cliFile).split(path.sep).join('/')}`;
  const oclif = { ...pjson.oclif, commands: { strategy: 'explicit' as const, target, identifier: 'COMMANDS' } };
  return { root, pjson: { ...pjson, oclif }, userPlugins: false, logger };
}

/** Runs oclif over the CLI's commands. */
export async function runOclif(argv: string[], pkgRoot: string, entry: CliEntry): Promise<void> {
  const { run, handle, settings } = require('@oclif/core') as typeof import('@oclif/core');
  // Never look for tsconfig/ts-node (NODE_ENV=development|test would): dist is what runs.
  settings.enableAutoTranspile = false;
  // No oclif flush() afterwards: on Linux stdout is written synchronously (files, pipes, ttys),
  // so there is nothing to wait for, and its empty write fails with EBADF where stdout is /dev/null
  // opened read-only, as containerd's shim hands it to the runtime for --null-io.
  // oclif's Command module first (every command loads it): its stdout listener rethrows what ours reports.
  void (require('@oclif/core') as typeof import('@oclif/core')).Command;
  (require('./output-errors') as typeof import('./output-errors')).reportOutputErrors(entry.report);
  try {
    await run(argv, oclifOptions(path.resolve(pkgRoot), entry));
  } catch (err) {
    if (entry.onError?.(err as Error)) return;
    await handle(err as Error);
  }
}
