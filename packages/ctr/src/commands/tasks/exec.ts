import { Args, Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { splitCommandLine } from '@berth/core/dist/cli/argv';
import { exitAfterFlush, stateDir } from './common';
import { taskIo } from './task-io';

export default class TasksExec extends CtrCommand {
  static override summary = 'Execute additional processes in an existing container';
  static override description = 'berth: the process is a child of this ctr (not of the shim); with --detach its exit status is not recorded.';
  static override aliases = ['t:exec', 'task:exec'];
  static override usage = 'tasks exec [flags] CONTAINER CMD [ARG...]';
  static override commandLineAfter = 1;
  static override args = { container: Args.string({ description: 'CONTAINER', required: true }) };
  static override flags = {
    cwd: Flags.string({ description: 'Working directory of the new process' }),
    tty: Flags.boolean({ char: 't', description: 'Allocate a TTY for the container' }),
    detach: Flags.boolean({ char: 'd', description: 'Detach from the task after it has started execution' }),
    'exec-id': Flags.string({ description: 'Exec specific id for the process', required: true }),
    'fifo-dir': Flags.string({ description: 'Directory used for storing IO FIFOs (berth: unused)', hidden: true }),
    'log-uri': Flags.string({ description: 'Log uri for custom shim logging (berth: file:// or an absolute path only)' }),
    user: Flags.string({ char: 'u', description: 'User id or name' }),
    env: Flags.string({ description: 'Specify additional container environment variables (e.g. FOO=bar)', multiple: true }),
  };

  async run(): Promise<void> {
    // Everything after the container id is the command line, its flags included (`sh -c ...`).
    const { head, rest: args } = splitCommandLine(this.argv, { ...TasksExec.baseFlags, ...TasksExec.flags }, 1);
    const { args: a, flags } = await this.parse(TasksExec, head);
    const id = a.container;
    if (args.length === 0) this.error('exec: a command to run must be given after the container', { exit: 1 });
    // --log-uri as run's (task-io.ts): a file, or an error naming the scheme.
    const io = flags['log-uri'] ? taskIo({ 'log-uri': flags['log-uri'] }) : undefined;
    const { execTask } = require('@berth/core/dist/services/tasks') as typeof import('@berth/core/dist/services/tasks');
    const code = await execTask({
      state: stateDir(flags), namespace: flags.namespace, id, execId: flags['exec-id'], args, tty: flags.tty,
      detach: flags.detach, cwd: flags.cwd, user: flags.user, env: flags.env, logFile: io?.kind === 'log' ? io.path : undefined,
    });
    await exitAfterFlush(code);
  }
}
