/**
 * Explicit command discovery: oclif loads this one module instead of scanning a directory.
 * Each topic keeps its own registry (commands/<topic>/index.ts) so topics grow independently.
 */
import { CONFIG_COMMANDS } from './commands/config';
import { CONTAINERS_COMMANDS } from './commands/containers';
import { CONTENT_COMMANDS } from './commands/content';
import { IMAGES_COMMANDS } from './commands/images';
import { LEASES_COMMANDS } from './commands/leases';
import { NAMESPACES_COMMANDS } from './commands/namespaces';
import { PLUGINS_COMMANDS } from './commands/plugins';
import { SNAPSHOTS_COMMANDS } from './commands/snapshots';
import { TASKS_COMMANDS } from './commands/tasks';
import Completion from './commands/completion';
import Doctor from './commands/doctor';
import Version from './commands/version';
import { lazyCommands } from '@berth/core/dist/cli/lazy-commands';

export const COMMANDS = lazyCommands(
  CONFIG_COMMANDS, CONTAINERS_COMMANDS, CONTENT_COMMANDS, IMAGES_COMMANDS, LEASES_COMMANDS,
  NAMESPACES_COMMANDS, PLUGINS_COMMANDS, SNAPSHOTS_COMMANDS, TASKS_COMMANDS,
  { completion: () => Completion, doctor: () => Doctor, version: () => Version },
);
