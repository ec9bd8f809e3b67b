/**
 * Entry of the runc clone. runc takes its global flags before the command
 * (`runc --root /x list`); oclif wants the command first, so global flags found before the
 * command are moved behind it.
 *
 * The oclif wiring is shared by the three CLIs (core/src/cli/oclif-main.ts); this is the
 * start-up path (docs/startup.md).
 */
import type { Interfaces } from '@oclif/core';
import { commandIds, runOclif } from '@berth/core/dist/cli/oclif-main';
import { hoistGlobals } from '@berth/core/dist/cli/argv';
import { COMMANDS } from './commands';
import { formatError, openLog, report } from './log';
import { GLOBALS } from './globals';

export { COMMANDS };

/** The runtime-spec version core/src/oci/types.ts follows. */
const SPEC_VERSION = '1.2.0';

export async function main(argv: string[], pkgRoot: string): Promise<void> {
  const pjson = require('../package.json') as Interfaces.PJSON;
  const args = hoistGlobals(argv, GLOBALS, commandIds(COMMANDS));
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
    // runc prints its own version block; berth's version stands in for runc's.
    process.stdout.write(`runc version ${pjson.version}\nspec: ${SPEC_VERSION}\nberth: ${pjson.version}\n`);
    return;
  }
  openLog(argv, GLOBALS.withValue);
  if (args[0] === 'run' || args[0] === 'create') {
    // Start the init stage now, so that its Node start-up overlaps with oclif's (runtime/prespawn.ts);
    // launch.js has usually done it already, before loading this bundle (src/prespawn.ts).
    const { prespawnInit } = require('@berth/core/dist/runtime/prespawn') as typeof import('@berth/core/dist/runtime/prespawn');
    prespawnInit(args.slice(1));
  }
  await runOclif(args, pkgRoot, {
    commands: COMMANDS, cliFile: __filename, pjson,
    // As RuncCommandBase.catch: one logrus line, to --log when given.
    report: (message) => report(args.slice(1), message),
    onError: (err) => {
      const unknown = /^command (\S+) not found/.exec(err.message);
      if (!unknown) return false;
      // As runc (urfave/cli): one error line, exit status 3.
      process.stderr.write(formatError(`No help topic for '${unknown[1]}'`, 'text'));
      process.exit(3);
    },
  });
}
