import { Args, Flags } from '@oclif/core';
import * as fs from 'node:fs';
import { splitCommandLine } from '@berth/core/dist/cli/argv';
import { RuncCommand } from '../base';
import { listenFds } from '../fds';

export default class Exec extends RuncCommand {
  static override summary = 'execute new process inside the container';
  static override usage = 'exec [command options] <container-id> <command> [command options]  || -p process.json <container-id>';
  static override args = { id: Args.string({ description: 'container id', required: true }) };
  static override trailingArgs = true;
  static override flags = {
    'console-socket': Flags.string({ description: 'path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console\'s pseudoterminal' }),
    cwd: Flags.string({ description: 'current working directory in the container' }),
    env: Flags.string({ char: 'e', description: 'set environment variables', multiple: true }),
    tty: Flags.boolean({ char: 't', description: 'allocate a pseudo-TTY' }),
    user: Flags.string({ char: 'u', description: 'UID (format: <uid>[:<gid>])' }),
    'additional-gids': Flags.integer({ char: 'g', description: 'additional gids', multiple: true }),
    process: Flags.string({ char: 'p', description: 'path to the process.json' }),
    detach: Flags.boolean({ char: 'd', description: 'detach from the container\'s process' }),
    'pid-file': Flags.string({ description: 'specify the file to write the process id to' }),
    'process-label': Flags.string({ description: 'set the asm process label for the process commonly used with selinux (berth: not supported)' }),
    apparmor: Flags.string({ description: 'set the apparmor profile for the process (berth: not supported)' }),
    'no-new-privs': Flags.boolean({ description: 'set the no new privileges value for the process' }),
    cap: Flags.string({ char: 'c', description: 'add a capability to the bounding set for the process', multiple: true }),
    'preserve-fds': Flags.integer({ description: 'Pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)', default: 0, min: 0 }),
    'ignore-paused': Flags.boolean({ description: 'allow exec in a paused container' }),
  };

  /** As runc: a failed exec (not a usage error) exits 255, which no program's status can be. */
  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (err.oclif?.exit === undefined && err.exitCode === undefined) err.exitCode = 255;
    return super.catch(err);
  }

  async run(): Promise<void> {
    const { head, rest: command } = splitCommandLine(this.argv, { ...Exec.baseFlags, ...Exec.flags }, 1);
    const { args, flags } = await this.parse(Exec, head);
    const { root } = this.globals(flags);
    const core = require('@berth/core/dist/runtime/exec') as typeof import('@berth/core/dist/runtime/exec');
    let proc;
    if (flags.process) {
      const { parseProcess } = require('@berth/core/dist/oci/validate') as typeof import('@berth/core/dist/oci/validate');
      let text: string;
      try {
        text = fs.readFileSync(flags.process, 'utf8');
      } catch (err) {
        this.fail(`exec failed: process file ${flags.process}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`, 255);
      }
      proc = parseProcess(text, flags.process);
    } else {
      if (command.length === 0) this.fail('exec failed: args must not be empty', 255);
      let user: { uid: number; gid?: number } | undefined;
      if (flags.user) {
        const [u, g] = flags.user.split(':');
        if (!/^\d+$/.test(u) || (g !== undefined && !/^\d+$/.test(g))) this.fail(`parsing ${flags.user} as uid[:gid]: must be numeric`, 255);
        user = { uid: Number(u), gid: g === undefined ? undefined : Number(g) };
      }
      proc = core.execProcessFrom(root, args.id, {
        args: command, env: flags.env, cwd: flags.cwd, user, additionalGids: flags['additional-gids'],
        tty: flags.tty, caps: flags.cap, noNewPrivs: flags['no-new-privs'],
      });
    }
    const code = await core.execInContainer({
      root, id: args.id, process: proc, detach: flags.detach, consoleSocket: flags['console-socket'],
      pidFile: flags['pid-file'], preserveFds: listenFds() + flags['preserve-fds'], ignorePaused: flags['ignore-paused'],
    });
    process.exit(code);
  }
}
