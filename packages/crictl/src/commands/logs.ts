import { Args, Flags } from '@oclif/core';
import { CrictlCommand, baseFlagsFreeing } from '../base';

export default class Logs extends CrictlCommand {
  static override summary = 'Fetch the logs of a container';
  static override usage = 'logs [flags] CONTAINER-ID';
  // logs' own -t is --timestamps, as in crictl; the connection timeout keeps its long form.
  static override baseFlags = baseFlagsFreeing('t');
  static override args = { id: Args.string({ description: 'CONTAINER-ID', required: true }) };
  static override flags = {
    follow: Flags.boolean({ char: 'f', description: 'Follow log output' }),
    previous: Flags.boolean({ char: 'p', description: 'Print the logs for the previous instance of the container in a pod if it exists' }),
    since: Flags.string({ description: 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' }),
    tail: Flags.integer({ description: 'Number of lines to show from the end of the logs. Defaults to all', default: -1 }),
    timestamps: Flags.boolean({ char: 't', description: 'Show timestamps' }),
    'limit-bytes': Flags.integer({ description: 'Maximum bytes of logs to return. Defaults to no limit', default: -1 }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Logs);
    const { streamContainerLogs, parseSince } = require('@berth/core/dist/cri/container-logs') as typeof import('@berth/core/dist/cri/container-logs');
    (require('@berth/core/dist/cli/output-errors') as typeof import('@berth/core/dist/cli/output-errors')).exitOnBrokenPipe('fail');
    // crictl ends a follow quietly on SIGINT or SIGTERM: exit status 0.
    if (flags.follow) for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(0));
    try {
      await streamContainerLogs(this.store(flags), args.id, {
        follow: flags.follow, previous: flags.previous, tail: flags.tail, timestamps: flags.timestamps, limitBytes: flags['limit-bytes'],
        sinceMs: flags.since !== undefined ? parseSince(flags.since) : undefined,
      }, { stdout: (b) => process.stdout.write(b), stderr: (b) => process.stderr.write(b) });
    } catch (err) {
      this.fail(`failed to fetch the logs of container ${JSON.stringify(args.id)}: ${(err as Error).message}`);
    }
  }
}
