import { Args, Flags } from '@oclif/core';
import { CrictlCommand, baseFlagsFreeing } from '../base';
import { rpcMessage } from '@berth/core/dist/cri/rpc-error';

export default class Exec extends CrictlCommand {
  static override summary = 'Run a command in a running container';
  static override description = 'berth exits with the command\'s exit code (crictl exits 1 for any non-zero code), with -s prints its stdout and stderr apart, and applies --timeout without -s too (crictl only with -s).';
  static override usage = 'exec [flags] CONTAINER-ID COMMAND [ARG...]';
  static override strict = false;
  // exec's own -i/-t, as in crictl; the image endpoint and the connection timeout keep their long forms.
  static override baseFlags = baseFlagsFreeing('i', 't');
  static override args = {
    id: Args.string({ description: 'CONTAINER-ID', required: true }),
    command: Args.string({ description: 'COMMAND' }),
  };
  static override flags = {
    sync: Flags.boolean({ char: 's', description: 'Run the command synchronously' }),
    timeout: Flags.integer({ description: 'Timeout in seconds', default: 0, min: 0 }),
    tty: Flags.boolean({ char: 't', description: 'Allocate a pseudo-TTY' }),
    interactive: Flags.boolean({ char: 'i', description: 'Keep STDIN open' }),
  };

  /** The command to run: what follows the container id. */
  private command: string[] = [];

  // crictl stops reading flags at the container id: in `exec ID sh -c x`, -c is sh's. Every
  // parse (the start-up's included) sees only what comes before it.
  public override async init(): Promise<void> {
    const { head, rest } = splitAtId(this.argv, { ...Exec.baseFlags, ...Exec.flags });
    this.argv = head;
    this.command = rest;
    await super.init();
  }

  async run(): Promise<void> {
    const rest = this.command;
    const { args, flags } = await this.parse(Exec);
    const id = args.id;
    const cmd = rest.length > 0 ? rest : [args.command].filter((x): x is string => x !== undefined);
    // crictl's own checks of a terminal for a streamed exec (-s runs without one).
    if (flags.tty && !flags.sync) {
      if (!flags.interactive) this.fail('execing command in container: tty=true must be specified with interactive=true');
      const { isTerminal } = require('@berth/core/dist/sys/pty') as typeof import('@berth/core/dist/sys/pty');
      if (!isTerminal(0)) this.fail('execing command in container: input is not a terminal');
    }
    const { execInCriContainer } = require('@berth/core/dist/cri/container-run') as typeof import('@berth/core/dist/cri/container-run');
    let code: number;
    try {
      code = await execInCriContainer({
        ...this.store(flags), id, cmd, tty: flags.tty && !flags.sync, stdin: flags.interactive && !flags.sync, timeoutSec: flags.timeout,
      });
    } catch (err) {
      this.fail(`${flags.sync ? 'execing command in container synchronously' : 'execing command in container'}: ${rpcMessage(err)}`);
    }
    // crictl exits with the command's exit code.
    process.exitCode = code;
  }
}

/** The command line up to the container id (flags and the id), and the command after it. */
function splitAtId(argv: string[], defs: Record<string, { type: string; char?: string }>): { head: string[]; rest: string[] } {
  const takesValue = new Set<string>();
  for (const [name, def] of Object.entries(defs)) {
    if (def.type !== 'option') continue;
    takesValue.add(`--${name}`);
    if (def.char) takesValue.add(`-${def.char}`);
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') return { head: argv.slice(0, i + 2), rest: argv.slice(i + 2) };
    if (a.startsWith('-') && a !== '-') {
      if (!a.includes('=') && takesValue.has(a)) i++;
      continue;
    }
    const rest = argv.slice(i + 1);
    return { head: argv.slice(0, i + 1), rest: rest[0] === '--' ? rest.slice(1) : rest };
  }
  return { head: argv, rest: [] };
}
