import ConfigDefault from './default';

/** The `config` topic's commands, keyed by oclif id. */
export const CONFIG_COMMANDS = {
  'config:default': ConfigDefault,
};
