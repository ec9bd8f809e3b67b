import Completion from '../commands/completion';
import Config from '../commands/config';
import Info from '../commands/info';

/** crictl's general commands, keyed by oclif id (one registry per group so groups grow independently). */
export const GENERAL_COMMANDS = {
  completion: Completion,
  config: Config,
  info: Info,
};
