/** Explicit command discovery: oclif loads this one module instead of scanning a directory. */
import Version from './commands/version';

export const COMMANDS = {
  version: Version,
};
