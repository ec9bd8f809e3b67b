import { Args, Flags } from '@oclif/core';
import { RuncCommand } from '../base';

/** How often the OOM count is read between stats (one small file read). */
const OOM_POLL_MS = 100;

export default class Events extends RuncCommand {
  static override summary = 'display container events such as OOM notifications, cpu, memory, and IO usage statistics';
  static override usage = 'events [command options] <container-id>';
  static override args = { id: Args.string({ description: 'container id', required: true }) };
  static override flags = {
    interval: Flags.string({ description: 'set the stats collection interval', default: '5s' }),
    stats: Flags.boolean({ description: 'display the container\'s stats then exit' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Events);
    const { root } = this.globals(flags);
    const { containerEvents } = require('@berth/core/dist/runtime/control') as typeof import('@berth/core/dist/runtime/control');
    const events = containerEvents(root, args.id);
    if (flags.stats) {
      process.stdout.write(`${events.stats()}\n`);
      return;
    }
    const { parseGoDuration } = require('@berth/core/dist/util/go-duration') as typeof import('@berth/core/dist/util/go-duration');
    const ms = parseGoDuration(flags.interval);
    if (ms === undefined || ms <= 0) this.fail(`invalid --interval ${flags.interval}: use a duration such as 500ms, 5s or 1m`);
    // As runc: stats every interval (a failure logged, the loop goes on, also after the container
    // stops), and an "oom" event for each kill of the OOM killer, as it happens (polled: runc
    // waits on the cgroup's eventfd or memory.events).
    const { report } = require('../log') as typeof import('../log');
    const statsEvent = (): void => {
      try {
        process.stdout.write(`${events.stats()}\n`);
      } catch (err) {
        report(this.argv, (err as Error).message);
      }
    };
    const oomEvent = `{"type":"oom","id":${JSON.stringify(args.id)}}\n`;
    let kills = events.oomKills();
    setInterval(() => {
      const now = events.oomKills();
      for (; kills < now; kills++) process.stdout.write(oomEvent);
    }, OOM_POLL_MS);
    statsEvent();
    setInterval(statsEvent, ms);
    await new Promise(() => undefined); // until killed, as runc events
  }
}
