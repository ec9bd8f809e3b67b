/**
 * Base of every ctr command: containerd 1.7 ctr's global flags, plus berth's own --root, --state
 * and --config (there is no daemon to ask where they are). --address is accepted and ignored.
 */
import { Command, Flags } from '@oclif/core';

export abstract class CtrCommand extends Command {
  static override baseFlags = {
    namespace: Flags.string({ char: 'n', description: 'namespace to use with commands', env: 'CONTAINERD_NAMESPACE', default: 'default', helpGroup: 'GLOBAL' }),
    // No short form here: before the command `-a` is written out as --address (cli.ts); after it,
    // `-a` is the command's own (tasks kill -a is --all).
    address: Flags.string({ description: 'address for containerd\'s GRPC server (berth: no daemon, ignored)', env: 'CONTAINERD_ADDRESS', helpGroup: 'GLOBAL', hidden: true }),
    timeout: Flags.string({ description: 'total timeout for ctr commands', default: '0s', helpGroup: 'GLOBAL' }),
    'connect-timeout': Flags.string({ description: 'timeout for connecting to containerd (berth: no daemon, ignored)', default: '0s', helpGroup: 'GLOBAL', hidden: true }),
    debug: Flags.boolean({ description: 'enable debug output in logs', helpGroup: 'GLOBAL' }),
    root: Flags.string({ description: 'berth: persistent state directory (containerd\'s root)', env: 'BERTH_ROOT', helpGroup: 'GLOBAL' }),
    state: Flags.string({ description: 'berth: ephemeral state directory (containerd\'s state)', env: 'BERTH_STATE', helpGroup: 'GLOBAL' }),
    config: Flags.string({ char: 'c', description: 'berth: config file in containerd\'s config.toml shape', env: 'BERTH_CONFIG', helpGroup: 'GLOBAL' }),
  };

  protected override async init(): Promise<void> {
    // A repeated flag: the last one counts, as in urfave/cli (core cli/argv.ts keepLastFlag).
    const ctor = this.constructor as typeof Command;
    this.argv = (require('@berth/core/dist/cli/argv') as typeof import('@berth/core/dist/cli/argv')).keepLastFlag(this.argv, { ...ctor.baseFlags, ...ctor.flags });
    await super.init();
    this.armTimeout();
    this.checkNamespace();
  }

  /**
   * containerd refuses a request in a namespace that is not a valid identifier, whatever the
   * command: so does berth, before a list comes back empty or a record is stored under it.
   */
  private checkNamespace(): void {
    let ns = process.env['CONTAINERD_NAMESPACE'];
    const own = this.ownArgs();
    for (let i = 0; i < own.length; i++) {
      const a = own[i] as string;
      if (a === '-n' || a === '--namespace') ns = own[i + 1];
      else if (a.startsWith('--namespace=')) ns = a.slice('--namespace='.length);
      else if (a.startsWith('-n=')) ns = a.slice(3);
    }
    if (ns === undefined || ns === '') return;
    const { validateIdentifier } = require('@berth/core/dist/metadata/validate') as typeof import('@berth/core/dist/metadata/validate');
    validateIdentifier('namespace', ns);
  }

  /**
   * Commands whose arguments end in a container's command line (run, containers create): how
   * many positionals come before it. Their flags are looked for before it only.
   */
  static commandLineAfter?: number;

  /**
   * The command's own part of the command line: for run and containers create, what comes before
   * the container's command line (`ctr run IMAGE ID sh -n x --timeout 3`: -n and --timeout are
   * sh's); namespace, --timeout and --debug are looked for here only.
   */
  protected ownArgs(): string[] {
    const ctor = this.constructor as typeof CtrCommand;
    if (ctor.commandLineAfter === undefined) return this.argv;
    const { splitCommandLine } = require('@berth/core/dist/cli/argv') as typeof import('@berth/core/dist/cli/argv');
    return splitCommandLine(this.argv, { ...ctor.baseFlags, ...(ctor.flags ?? {}) }, ctor.commandLineAfter).head;
  }

  private debugging(): boolean {
    return this.ownArgs().includes('--debug');
  }

  /**
   * `--timeout`: ctr's deadline for the whole command. When it passes the command stops, exit 1,
   * as ctr's cancelled context does; what a pull stored stays in the ingest area for the next one.
   */
  private armTimeout(): void {
    const own = this.ownArgs();
    const i = own.findIndex((a) => a === '--timeout' || a.startsWith('--timeout='));
    if (i < 0) return;
    const arg = own[i] as string;
    const text = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : own[i + 1] ?? '';
    const { parseGoDuration } = require('@berth/core/dist/util/go-duration') as typeof import('@berth/core/dist/util/go-duration');
    const ms = parseGoDuration(text);
    if (ms === undefined) this.error(`invalid value "${text}" for flag -timeout: parse error (a duration such as 30s or 1m30s)`);
    if (ms <= 0) return;
    setTimeout(() => {
      process.stderr.write(`ctr: context deadline exceeded (--timeout ${text})\n`);
      process.exit(1);
    }, ms).unref();
  }

  /** The persistent root: --root, else the config file's. */
  protected storeRoot(flags: { root?: string; config?: string }): string {
    if (flags.root) return flags.root;
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    return loadConfig(flags.config).root;
  }

  /**
   * Per-object failures of a command that goes on past them (rm of several names, as ctr): one
   * `ctr:` line each, the stack after it with --debug; exit status 1 if there was any.
   */
  protected exitOnErrors(errors: readonly Error[]): void {
    if (errors.length === 0) return;
    const debug = this.debugging();
    for (const e of errors) {
      process.stderr.write(`ctr: ${e.message}\n`);
      if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    }
    process.exit(1);
  }

  protected override async catch(err: Error & { oclif?: { exit?: number } }): Promise<unknown> {
    // oclif's clean exits (help, version) keep their behaviour.
    if (err.oclif?.exit === 0) throw err;
    // Everything else, usage errors and this.error() included, as ctr: `ctr: <message>`, exit 1.
    const { errorLine } = require('@berth/core/dist/cli/error-line') as typeof import('@berth/core/dist/cli/error-line');
    process.stderr.write(`ctr: ${errorLine(err.message)}\n`);
    if (this.debugging() && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  }
}
