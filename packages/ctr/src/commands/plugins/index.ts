import PluginsList from './list';
import type { CommandLoaders } from '@berth/core/dist/cli/lazy-commands';

/** The `plugins` topic's commands, keyed by oclif id. */
export const PLUGINS_COMMANDS: CommandLoaders = {
  'plugins:list': () => PluginsList,
};
