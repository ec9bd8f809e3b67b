import Completion from '../commands/completion';
import Config from '../commands/config';
import Info from '../commands/info';
import type { CommandLoaders } from '@berth/core/dist/cli/lazy-commands';

/** crictl's general commands, keyed by oclif id (one registry per group so groups grow independently). */
export const GENERAL_COMMANDS: CommandLoaders = {
  completion: () => Completion,
  config: () => Config,
  info: () => Info,
};
