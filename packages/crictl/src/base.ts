/**
 * Base of every crictl command: cri-tools' global flags, and crictl's way of failing (one
 * logrus fatal line on stderr, exit status 1; `--debug` adds the stack).
 *
 * berth has no CRI server: the endpoints are accepted (from flags or the crictl.yaml) and
 * ignored, and crictl works on berth's state directly — `--berth-root`/`--berth-state` (or the
 * config.toml's) say where it is, and everything lives in containerd namespace `k8s.io`.
 */
import { Command, Flags } from '@oclif/core';
import { errorLine } from '@berth/core/dist/cli/error-line';
import { logrusLine } from '@berth/core/dist/cli/logrus';

/** The containerd namespace the CRI plugin uses; ctr -n k8s.io sees the same objects. */
export const CRI_NAMESPACE = 'k8s.io';

export abstract class CrictlCommand extends Command {
  static override baseFlags = {
    config: Flags.string({ char: 'c', description: 'Location of the client config file. If not specified and the default does not exist, the program\'s directory is searched as well', default: '/etc/crictl.yaml', env: 'CRI_CONFIG_FILE', helpGroup: 'GLOBAL' }),
    debug: Flags.boolean({ char: 'D', description: 'Enable debug mode', helpGroup: 'GLOBAL' }),
    'image-endpoint': Flags.string({ char: 'i', description: 'Endpoint of CRI image manager service (berth: no daemon, accepted and ignored)', env: 'IMAGE_SERVICE_ENDPOINT', helpGroup: 'GLOBAL' }),
    'runtime-endpoint': Flags.string({ char: 'r', description: 'Endpoint of CRI container runtime service (berth: no daemon, accepted and ignored)', env: 'CONTAINER_RUNTIME_ENDPOINT', helpGroup: 'GLOBAL' }),
    timeout: Flags.string({ char: 't', description: 'Timeout of connecting to the server in seconds (e.g. 2s, 20s.). 0 or less is set to default', default: '2s', helpGroup: 'GLOBAL' }),
    // berth's own, prefixed: crictl's ps and pods have a --state filter of their own.
    'berth-root': Flags.string({ description: 'berth: persistent state directory (containerd\'s root)', env: 'BERTH_ROOT', helpGroup: 'GLOBAL' }),
    'berth-state': Flags.string({ description: 'berth: ephemeral state directory (containerd\'s state)', env: 'BERTH_STATE', helpGroup: 'GLOBAL' }),
    'berth-config': Flags.string({ description: 'berth: config file in containerd\'s config.toml shape (root, state, CNI dirs)', env: 'BERTH_CONFIG', helpGroup: 'GLOBAL' }),
  };

  /** crictl's start-up (cri-tools' app.Before): every command honours the crictl.yaml. */
  public override async init(): Promise<void> {
    // A repeated flag: the last one counts, as in urfave/cli (core cli/argv.ts keepLastFlag).
    const ctor = this.constructor as typeof Command;
    this.argv = (require('@berth/core/dist/cli/argv') as typeof import('@berth/core/dist/cli/argv')).keepLastFlag(this.argv, { ...ctor.baseFlags, ...ctor.flags });
    await super.init();
    const { flags } = await this.parse(this.constructor as typeof CrictlCommand);
    const { crictlSettings } = require('./settings') as typeof import('./settings');
    crictlSettings(flags, this.argv);
  }

  /** berth's store: --berth-root/--berth-state, else the config.toml's. */
  protected store(flags: { 'berth-root'?: string; 'berth-state'?: string; 'berth-config'?: string }): { root: string; state: string } {
    return (require('./store') as typeof import('./store')).storeDirs(flags);
  }

  /** printStatusInfo, a template's error failing the command with `context: ` before it (crictl's wrapping). */
  protected printStatus(context: string | undefined, format: string, doc: import('./output').Json, template: string | undefined): void {
    const { printStatusInfo } = require('./output') as typeof import('./output');
    try {
      printStatusInfo(format, doc, template);
    } catch (err) {
      const { GoTemplateError } = require('./go-template') as typeof import('./go-template');
      if (!(err instanceof GoTemplateError)) throw err;
      this.fail(context ? `${context}: ${err.message}` : err.message);
    }
  }

  protected fail(message: string): never {
    process.stderr.write(logrusLine(message, 'fatal'));
    // -D: where the command gave up, as for thrown errors.
    if (this.argv.includes('--debug') || this.argv.includes('-D')) process.stderr.write(`${new Error(message).stack ?? ''}\n`);
    process.exit(1);
  }

  protected override async catch(err: Error & { oclif?: { exit?: number } }): Promise<unknown> {
    if (err.oclif?.exit !== undefined && err.name !== 'CLIError' && err.oclif.exit !== 2) throw err;
    process.stderr.write(logrusLine(errorLine(err.message), 'fatal'));
    if ((this.argv.includes('--debug') || this.argv.includes('-D')) && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  }
}

type BaseFlags = typeof CrictlCommand.baseFlags;

/**
 * The global flags with some of their letters given up to a command's own flags (runp's and run's
 * -r runtime, exec's -i and -t, logs' -t, ps's -r): those globals keep their long forms there, as
 * in crictl, where a letter after the command is the command's.
 */
export function baseFlagsFreeing(...chars: string[]): BaseFlags {
  const out: Record<string, BaseFlags[keyof BaseFlags]> = { ...CrictlCommand.baseFlags };
  for (const [name, flag] of Object.entries(out)) {
    if (flag.char !== undefined && chars.includes(flag.char)) out[name] = { ...flag, char: undefined } as BaseFlags[keyof BaseFlags];
  }
  return out as BaseFlags;
}
