/** Explicit command discovery: oclif loads this one module instead of scanning a directory. */
import ConfigDefault from './commands/config/default';
import Version from './commands/version';

export const COMMANDS = {
  'config:default': ConfigDefault,
  version: Version,
};
