/** Entry of the crictl clone: the oclif wiring shared by the three CLIs (core/src/cli/oclif-main.ts). */
import { runOclif } from '@berth/core/dist/cli/oclif-main';
import { COMMANDS } from './commands';

export { COMMANDS };

export async function main(argv: string[], pkgRoot: string): Promise<void> {
  await runOclif(argv, pkgRoot, { commands: COMMANDS, cliFile: __filename, pjson: require('../package.json') });
}
