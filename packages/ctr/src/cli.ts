/** Entry of the ctr clone: the oclif wiring shared by the three CLIs (core/src/cli/oclif-main.ts). */
import { runOclif } from '@berth/core/dist/cli/oclif-main';
import { commandIdsOf, hoistGlobals } from '@berth/core/dist/cli/argv';
import { COMMANDS } from './commands';

export { COMMANDS };

/** ctr's global flags may come before the command (`ctr -n k8s.io ns ls`). */
const GLOBALS = {
  withValue: ['--namespace', '-n', '--address', '-a', '--timeout', '--connect-timeout', '--root', '--state', '--config', '-c'],
  switches: ['--debug'],
  longForms: { '-a': '--address' },
};

export async function main(argv: string[], pkgRoot: string): Promise<void> {
  const args = hoistGlobals(argv, GLOBALS, commandIdsOf(COMMANDS));
  // A task's shim starts now, in parallel with oclif and the container's creation.
  const shims = require('@berth/core/dist/tasks/prespawn') as typeof import('@berth/core/dist/tasks/prespawn');
  if (shims.startsTask(args)) shims.prespawnShim();
  else if ((require('./commands/tasks/list-text') as typeof import('./commands/tasks/list-text')).fastTaskList(args)) return;
  await runOclif(args, pkgRoot, { commands: COMMANDS, cliFile: __filename, pjson: require('../package.json') });
}
