/**
 * A CLI's COMMANDS map (oclif's explicit discovery) whose command classes load on first access:
 * building the map from the classes themselves loaded every command module of the CLI (~5 ms of
 * ctr's start, ~90 modules) to run one of them. The registries hold loaders; oclif, through the
 * bundle's snapshot, asks for the one command it runs (core/src/cli/oclif-main.ts).
 */
import type { Command } from '@oclif/core';

/** A registry: oclif id → its command class, loaded when called. */
export type CommandLoaders = Record<string, () => Command.Class>;

/**
 * Two oclif habits no Go CLI has, turned off for every command as it loads: filling a missing
 * argument from stdin when it is not a terminal (waiting up to 10 ms; stdin often belongs to
 * someone else: the container of `ctr run`, a password for `-u user`), and a repeatable flag
 * taking every bare word after it (`ctr run --env A=1 busybox id` must leave busybox and id as
 * arguments).
 */
function goLikeParsing(cmd: Command.Class): Command.Class {
  for (const arg of Object.values(cmd.args ?? {})) arg.ignoreStdin = true;
  for (const flag of Object.values(cmd.flags ?? {})) {
    if (flag.type === 'option' && flag.multiple) flag.multipleNonGreedy = true;
  }
  return cmd;
}

/** One COMMANDS map over the registries; each class loads (and is prepared) once, when read. */
export function lazyCommands(...registries: CommandLoaders[]): Record<string, Command.Class> {
  const out: Record<string, Command.Class> = {};
  for (const registry of registries) {
    for (const [id, load] of Object.entries(registry)) {
      let cmd: Command.Class | undefined;
      // Configurable: an id in two registries is the later one's, as an object spread had it.
      Object.defineProperty(out, id, { enumerable: true, configurable: true, get: () => (cmd ??= goLikeParsing(load())) });
    }
  }
  return out;
}
