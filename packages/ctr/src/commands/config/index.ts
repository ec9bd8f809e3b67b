import ConfigDefault from './default';
import type { CommandLoaders } from '@berth/core/dist/cli/lazy-commands';

/** The `config` topic's commands, keyed by oclif id. */
export const CONFIG_COMMANDS: CommandLoaders = {
  'config:default': () => ConfigDefault,
};
