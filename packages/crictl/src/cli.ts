/** Entry of the crictl clone: the oclif wiring shared by the three CLIs (core/src/cli/oclif-main.ts). */
import { runOclif } from '@berth/core/dist/cli/oclif-main';
import { commandIdsOf, hoistGlobals } from '@berth/core/dist/cli/argv';
import { COMMANDS } from './commands';

export { COMMANDS };

/** crictl's global flags may come before the command (`crictl -c f.yaml images`). */
const GLOBALS = {
  withValue: ['--config', '-c', '--runtime-endpoint', '-r', '--image-endpoint', '-i', '--timeout', '-t', '--berth-root', '--berth-state', '--berth-config'],
  switches: ['--debug', '-D'],
};

export async function main(argv: string[], pkgRoot: string): Promise<void> {
  const args = hoistGlobals(argv, GLOBALS, commandIdsOf(COMMANDS));
  await runOclif(args, pkgRoot, { commands: COMMANDS, cliFile: __filename, pjson: require('../package.json') });
}
