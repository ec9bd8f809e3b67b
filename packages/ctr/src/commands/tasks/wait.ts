import { CtrCommand } from '../../base';

/** Placeholder (hidden) until the command is built. */
export default class TasksWait extends CtrCommand {
  static override hidden = true;
  static override summary = 'not yet built';
  static override strict = false;

  async run(): Promise<void> {
    this.error('ctr tasks wait: not yet built in berth');
  }
}
