/**
 * Explicit command discovery: oclif loads this one module instead of scanning a directory.
 * crictl's commands are flat; groups/*.ts keep one registry per area so they grow independently.
 */
import { lazyCommands } from '@berth/core/dist/cli/lazy-commands';
import Version from './commands/version';
import { CONTAINERS_COMMANDS } from './groups/containers';
import { GENERAL_COMMANDS } from './groups/general';
import { IMAGES_COMMANDS } from './groups/images';
import { PODS_COMMANDS } from './groups/pods';

export const COMMANDS = lazyCommands(CONTAINERS_COMMANDS, GENERAL_COMMANDS, IMAGES_COMMANDS, PODS_COMMANDS, { version: () => Version });
