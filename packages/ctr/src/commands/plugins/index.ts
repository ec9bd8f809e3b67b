import PluginsList from './list';

/** The `plugins` topic's commands, keyed by oclif id. */
export const PLUGINS_COMMANDS = {
  'plugins:list': PluginsList,
};
