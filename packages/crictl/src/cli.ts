/** Entry of the crictl clone: the oclif wiring shared by the three CLIs (core/src/cli/oclif-main.ts). */
import { commandIds, runOclif } from '@berth/core/dist/cli/oclif-main';
import { reportError } from './fast-forms';
import { hoistGlobals } from '@berth/core/dist/cli/argv';
import { COMMANDS } from './commands';
import { GLOBALS } from './globals';

export { COMMANDS };

export async function main(argv: string[], pkgRoot: string): Promise<void> {
  const args = hoistGlobals(argv, GLOBALS, commandIds(COMMANDS));
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
    // urfave/cli's version flag, as crictl prints it; berth's version stands in for cri-tools'.
    process.stdout.write(`crictl version v${(require('../package.json') as { version: string }).version}\n`);
    return;
  }
  if (args[0] === 'run' && !args.includes('--help') && !args.includes('-h')) {
    // The container's shim starts now, its Node start-up in parallel with oclif's and the checks;
    // one nobody takes (a usage error, an unknown image) exits when we do (tasks/prespawn.ts).
    // `start` takes the shim parked at create (tasks/parked.ts).
    (require('@berth/core/dist/tasks/prespawn') as typeof import('@berth/core/dist/tasks/prespawn')).prespawnShim();
  }
  await runOclif(args, pkgRoot, {
    commands: COMMANDS, cliFile: __filename, pjson: require('../package.json'),
    report: reportError,
    onError: (err) => {
      const unknown = /^command (\S+) not found/.exec(err.message);
      if (!unknown) return false;
      // As crictl (urfave/cli's answer, through logrus.Fatal): one line, exit status 1.
      const { logrusLine } = require('@berth/core/dist/cli/logrus') as typeof import('@berth/core/dist/cli/logrus');
      process.stderr.write(logrusLine(`No help topic for '${unknown[1]}'`, 'fatal'));
      if ((args.includes('-D') || args.includes('--debug')) && err.stack) process.stderr.write(`${err.stack}\n`);
      process.exit(1);
    },
  });
}
