import { CrictlCommand } from '../base';

/** Placeholder (hidden) until the command is built. */
export default class Stopp extends CrictlCommand {
  static override hidden = true;
  static override summary = 'not yet built';
  static override strict = false;

  async run(): Promise<void> {
    this.error('crictl stopp: not yet built in berth');
  }
}
