/**
 * Entry of the runc clone. runc takes its global flags before the command
 * (`runc --root /x list`); oclif wants the command first, so global flags found before the
 * command are moved behind it.
 *
 * The oclif wiring is shared by the three CLIs (core/src/cli/oclif-main.ts); this is the
 * start-up path (docs/startup.md).
 */
import type { Interfaces } from '@oclif/core';
import { runOclif } from '@berth/core/dist/cli/oclif-main';
import { COMMANDS } from './commands';
import { formatError } from './log';

export { COMMANDS };

const GLOBAL_WITH_VALUE = new Set(['--root', '--log', '--log-format', '--rootless', '--criu']);
const GLOBAL_BOOL = new Set(['--debug', '--systemd-cgroup']);
/** The runtime-spec version core/src/oci/types.ts follows. */
const SPEC_VERSION = '1.2.0';

export function hoistGlobals(argv: string[]): string[] {
  const globals: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i].startsWith('-')) {
    const a = argv[i];
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (GLOBAL_WITH_VALUE.has(name)) {
      if (a.includes('=')) { globals.push(a); i += 1; } else { globals.push(a, argv[i + 1] ?? ''); i += 2; }
    } else if (GLOBAL_BOOL.has(name)) {
      globals.push(a); i += 1;
    } else break; // --help, --version, -h, -v: leave for oclif
  }
  const rest = argv.slice(i);
  if (rest.length === 0) return globals.length ? ['--help'] : [];
  const [cmd, ...args] = rest;
  if (cmd.startsWith('-')) return rest;
  // Global flags go right after the command (before `--` and positional args is fine for oclif).
  return [cmd, ...globals, ...args];
}

export async function main(argv: string[], pkgRoot: string): Promise<void> {
  const pjson = require('../package.json') as Interfaces.PJSON;
  const args = hoistGlobals(argv);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
    // runc prints its own version block; berth's version stands in for runc's.
    process.stdout.write(`runc version ${pjson.version}\nspec: ${SPEC_VERSION}\nberth: ${pjson.version}\n`);
    return;
  }
  if (args[0] === 'run' || args[0] === 'create') {
    // Start the init stage now, so that its Node start-up overlaps with oclif's (runtime/prespawn.ts).
    const { prespawnInit } = require('@berth/core/dist/runtime/prespawn') as typeof import('@berth/core/dist/runtime/prespawn');
    prespawnInit(args.slice(1));
  }
  await runOclif(args, pkgRoot, {
    commands: COMMANDS, cliFile: __filename, pjson,
    onError: (err) => {
      const unknown = /^command (\S+) not found/.exec(err.message);
      if (!unknown) return false;
      // As runc (urfave/cli): one error line, exit status 3.
      process.stderr.write(formatError(`No help topic for '${unknown[1]}'`, 'text'));
      process.exit(3);
    },
  });
}
