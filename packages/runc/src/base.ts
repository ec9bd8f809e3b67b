/**
 * Base of every runc command: runc's global flags, and runc's way of reporting errors
 * (one logrus-style line on stderr, exit status 1; `--debug` adds the stack).
 */
import { Command, Flags } from '@oclif/core';
import { report } from './log';

/** runc's global flags but `--rootless`, which `spec` redefines as a switch. */
const commonGlobals = {
    root: Flags.string({ description: 'root directory for storage of container state (this should be located in tmpfs)', default: '/run/berth/runc', helpGroup: 'GLOBAL' }),
    log: Flags.string({ description: 'set the log file to write runc logs to (default is \'/dev/stderr\')', helpGroup: 'GLOBAL' }),
    'log-format': Flags.string({ description: 'set the log format (\'text\' (default), or \'json\')', options: ['text', 'json'], default: 'text', helpGroup: 'GLOBAL' }),
    debug: Flags.boolean({ description: 'enable debug logging', helpGroup: 'GLOBAL' }),
    'systemd-cgroup': Flags.boolean({ description: 'enable systemd cgroup support (berth: not supported, refused with an error)', helpGroup: 'GLOBAL' }),
    criu: Flags.string({ description: 'path to the criu binary used for checkpoint and restore (berth: checkpoint is not supported)', hidden: true, helpGroup: 'GLOBAL' }),
};

export abstract class RuncCommandBase extends Command {
  static override baseFlags = commonGlobals;
  /** Arguments after the declared ones that the command passes on itself (exec's command, ps's options). */
  static trailingArgs = false;

  public override async init(): Promise<void> {
    // A repeated flag: the last one counts, as in urfave/cli (core cli/argv.ts keepLastFlag).
    const ctor = this.constructor as typeof Command;
    this.argv = (require('@berth/core/dist/cli/argv') as typeof import('@berth/core/dist/cli/argv')).keepLastFlag(this.argv, { ...ctor.baseFlags, ...ctor.flags });
    await super.init();
  }

  /** Global flags as parsed (commands call this once in run()). */
  protected globals(flags: { root: string; log?: string; 'log-format': string; debug: boolean; 'systemd-cgroup': boolean }): { root: string } {
    if (flags['systemd-cgroup']) {
      // No systemd manager is used by berth: cgroups are driven through cgroupfs directly.
      this.fail('--systemd-cgroup is not supported by berth: it drives cgroupfs directly (drop the flag)');
    }
    return { root: flags.root };
  }

  protected fail(message: string, exitCode = 1): never {
    report(this.argv, message);
    // --debug: where the command gave up, as for thrown errors.
    if (this.argv.includes('--debug')) process.stderr.write(`${new Error(message).stack ?? ''}\n`);
    process.exit(exitCode);
  }

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (err.oclif?.exit === 2) {
      // A usage error: one runc-style line instead of oclif's banner and help.
      report(this.argv, usageMessage(this.id ?? '', err.message, this.constructor as typeof Command));
      if (this.argv.includes('--debug') && err.stack) process.stderr.write(`${err.stack}\n`);
      process.exit(1);
    }
    // oclif's own exits (help, version) keep their behaviour.
    if (err.oclif?.exit !== undefined && err.name !== 'CLIError') throw err;
    const { errorLine } = require('@berth/core/dist/cli/error-line') as typeof import('@berth/core/dist/cli/error-line');
    report(this.argv, errorLine(err.message));
    if (this.argv.includes('--debug') && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exit(typeof err.exitCode === 'number' && err.exitCode > 0 ? err.exitCode : 1);
  }
}

/**
 * oclif's parse errors in runc's (urfave/cli's) words; an argument count as runc's checkArgs
 * words it, from the command's own arguments (`runc: "kill" requires a minimum of 1 argument(s)`).
 */
function usageMessage(command: string, message: string, cmd: typeof Command): string {
  const flag = /Nonexistent flags?: (-{1,2})([^\s,]+)/.exec(message);
  if (flag) return `flag provided but not defined: -${flag[2]}`;
  const missing = /Missing \d+ required arg/.test(message);
  if (missing || /Unexpected argument/.test(message)) {
    const args = Object.values(cmd.args ?? {});
    const min = args.filter((a) => a.required).length;
    const max = cmd.strict === false || (cmd as typeof RuncCommandBase).trailingArgs ? Infinity : args.length;
    const count = min === max ? `exactly ${min}` : missing ? `a minimum of ${min}` : `a maximum of ${max}`;
    return `runc: "${command}" requires ${count} argument(s)`;
  }
  const { errorLine } = require('@berth/core/dist/cli/error-line') as typeof import('@berth/core/dist/cli/error-line');
  return errorLine(message);
}

export abstract class RuncCommand extends RuncCommandBase {
  static override baseFlags = {
    ...commonGlobals,
    rootless: Flags.string({ description: 'ignore cgroup permission errors (\'true\', \'false\', or \'auto\')', default: 'auto', helpGroup: 'GLOBAL' }),
  };
}
